package dev.hubel.data;

import java.util.concurrent.locks.LockSupport;

/**
 * Fills batches on a background (daemon) thread into a small ring of preallocated slots, ahead of
 * a single consumer, so that training does not wait on data.
 *
 * <p>Two counters hand slots over: the producer publishes {@code produced} after filling a slot,
 * the consumer publishes {@code released} when it asks for the next batch (the one it held is
 * then free). Both are volatile, which orders the slot's contents; waiting sides park and the
 * other side unparks them. Nothing here allocates per batch: blocking queues would (a node per
 * wait), and so would a lock's condition.
 */
final class Prefetcher implements AutoCloseable {

  /** Fills {@code batch} with batch {@code number} (from 0) of {@code epoch}. */
  interface Filler {
    void fill(Batch batch, int epoch, int number);
  }

  private final Batch[] ring;
  private final Filler filler;
  private final String name;
  private Thread producer;

  private volatile long produced;  // written by the producer only
  private volatile long released;  // written by the consumer only
  private volatile int generation; // bumped by begin: a new epoch to produce
  private volatile int epoch;
  private volatile int batches;
  private volatile Throwable failure;
  private volatile boolean closed;
  private volatile Thread consumer;

  private long taken;     // consumer only: batches handed out so far
  private long epochEnd;  // consumer only: the value of taken at which the current epoch ends

  Prefetcher(Batch[] ring, Filler filler, String name) {
    this.ring = ring;
    this.filler = filler;
    this.name = name;
  }

  /** Starts producing the {@code count} batches of {@code epoch}; the previous epoch must have been read to its end. */
  void begin(int epoch, int count) {
    if (closed) throw new IllegalStateException(name + " is closed");
    if (taken != epochEnd) {
      throw new IllegalStateException(name + ": epoch " + this.epoch + " still has " + (epochEnd - taken)
          + " batches unread; read an epoch to its end (next() returns null) before beginning another");
    }
    released = taken;
    consumer = Thread.currentThread();
    this.epoch = epoch;
    this.batches = count;
    epochEnd = taken + count;
    if (producer == null) {
      producer = new Thread(this::produce, name);
      producer.setDaemon(true);  // a consumer that forgets close() must not keep the JVM alive
      producer.start();
    }
    generation++;  // the only writer: the consumer; published last, after epoch and batches
    LockSupport.unpark(producer);
  }

  /** Whether the current epoch has been read to its end (or none begun). */
  boolean finished() {
    return taken == epochEnd;
  }

  /** The next batch of the epoch, or null after its last; waits while the producer is behind. */
  Batch next() {
    if (closed) throw new IllegalStateException(name + " is closed");
    if (released != taken) {
      released = taken;  // the batch handed out last time is free again
      LockSupport.unpark(producer);
    }
    if (taken == epochEnd) return null;
    while (produced <= taken) {
      Throwable f = failure;
      if (f != null) {
        throw new DataException(name + ": preparing batch " + (taken - (epochEnd - batches)) + " of epoch " + epoch
            + " failed: " + (f.getMessage() != null ? f.getMessage() : f.toString()), f);
      }
      if (closed) throw new IllegalStateException(name + " is closed");
      LockSupport.park(this);
    }
    return ring[(int) (taken++ % ring.length)];
  }

  private void produce() {
    int seen = 0;
    long made = 0;
    try {
      while (!closed) {
        if (generation == seen) {
          LockSupport.park(this);
          continue;
        }
        seen = generation;
        int e = epoch, count = batches;
        for (int b = 0; b < count; b++) {
          while (made - released >= ring.length) {
            if (closed) return;
            LockSupport.park(this);
          }
          if (closed) return;
          filler.fill(ring[(int) (made % ring.length)], e, b);
          produced = ++made;
          LockSupport.unpark(consumer);
        }
      }
    } catch (Throwable t) {
      failure = t;
      LockSupport.unpark(consumer);
    }
  }

  /** Stops the producer and waits for it to end. */
  @Override
  public void close() {
    closed = true;
    Thread p = producer;
    if (p == null || p == Thread.currentThread()) return;
    LockSupport.unpark(p);
    boolean interrupted = false;
    while (p.isAlive()) {
      try {
        p.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }
}
