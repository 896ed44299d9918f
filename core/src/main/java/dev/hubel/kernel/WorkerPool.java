package dev.hubel.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one shared pool of threads that kernels and ops split work over. Sized to the cores
 * ({@code --threads}, {@code HUBEL_THREADS}). A job is {@code tasks} numbered pieces; the caller
 * works too, and returns when all pieces are done.
 *
 * <p>Why not an ExecutorService: submitting allocates futures and tasks on every call, and a
 * training step must allocate nothing; and small jobs (microseconds) lose to the hand-off. Here a
 * job is three field writes and an unpark; idle workers spin briefly, then park.
 *
 * <p>Which thread runs a piece is not fixed, so a piece that writes shared state must own it by
 * its piece number (per-piece scratch buffers), which also keeps results independent of timing.
 */
public final class WorkerPool {

  /** One numbered piece of a job. */
  @FunctionalInterface
  public interface Task {
    void run(int piece);
  }

  private static final int SPINS_BEFORE_PARK = 20_000;
  private static final int SPINS_BEFORE_YIELD = 2_000;
  private static volatile WorkerPool shared;

  private final int threads;
  private final Thread[] workers;
  private volatile Task task;
  private volatile int tasks;
  private volatile long generation;
  /** (generation << 32) | next piece: a late worker can never claim a piece of a newer job. */
  private final AtomicLong claim = new AtomicLong();
  private final AtomicInteger done = new AtomicInteger();
  private volatile Throwable failure;

  public WorkerPool(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, received " + threads);
    this.threads = threads;
    this.workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      Thread t = new Thread(this::workLoop, "hubel-worker-" + (i + 1));
      t.setDaemon(true);
      workers[i] = t;
      t.start();
    }
  }

  /** The pool every plan uses unless given another: HUBEL_THREADS, else the number of cores. */
  public static WorkerPool shared() {
    WorkerPool p = shared;
    if (p == null) {
      synchronized (WorkerPool.class) {
        if (shared == null) shared = new WorkerPool(defaultThreads());
        p = shared;
      }
    }
    return p;
  }

  /** Replaces the shared pool's size (the CLI's --threads). Call before compiling models. */
  public static synchronized void setSharedThreads(int threads) {
    shared = new WorkerPool(threads);
  }

  static int defaultThreads() {
    String env = System.getenv("HUBEL_THREADS");
    if (env != null && !env.isBlank()) {
      try {
        int n = Integer.parseInt(env.trim());
        if (n >= 1) return n;
      } catch (NumberFormatException ignored) {
        // fall through to the core count; a bad variable should not stop a run
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /** First item of piece {@code piece} when {@code n} items are split into {@code pieces} even runs. */
  public static int splitStart(int piece, int pieces, int n) {
    return (int) ((long) piece * n / pieces);
  }

  public int threads() {
    return threads;
  }

  /** Pieces per thread in {@link #balancedPieces}. */
  static final int PIECES_PER_THREAD = 4;

  /**
   * How many pieces to cut a job of {@code items} independent items into: a few per thread (at
   * most one an item), claimed as threads come free, so that a thread slowed by another process
   * on its core takes fewer pieces instead of holding the others up at the end of the job. With
   * one piece a thread, every job of a training step waited for the slower core (this host's two
   * drift apart by 15% from minute to minute).
   */
  public int balancedPieces(int items) {
    return Math.max(1, Math.min(items, threads == 1 ? 1 : threads * PIECES_PER_THREAD));
  }

  /**
   * Runs pieces 0..tasks-1 and returns when all are done. Not reentrant: a piece must not call
   * run again (nested parallelism runs inline instead, see {@link #inWorker()}).
   */
  public synchronized void run(int tasks, Task task) {
    if (tasks <= 0) return;
    if (tasks == 1 || workers.length == 0) {
      for (int i = 0; i < tasks; i++) task.run(i);
      return;
    }
    this.failure = null;
    this.task = task;
    this.tasks = tasks;
    done.set(0);
    long gen = generation + 1;
    claim.set(gen << 32);
    generation = gen; // volatile write publishes task, tasks and claim to the workers
    for (Thread w : workers) LockSupport.unpark(w);
    drain(gen, task, tasks);
    // Spin briefly, then yield: on a shared machine the piece still running may belong to a thread
    // the OS has set aside, and a caller spinning on its core keeps it from coming back.
    for (int spins = 0; done.get() < tasks; spins++) {
      if (spins < SPINS_BEFORE_YIELD) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
    // Close the job before the next one writes task and tasks: a worker that read this job's task
    // but is slow to read tasks may see the next job's (larger) count, and must then find no piece
    // left to claim here, or it would run a piece past this job's end and count it as the next one's.
    claim.set((gen << 32) | Integer.MAX_VALUE);
    this.task = null;
    Throwable f = failure;
    if (f instanceof RuntimeException re) throw re;
    if (f instanceof Error e) throw e;
  }

  private void drain(long gen, Task t, int n) {
    while (true) {
      long c = claim.get();
      if ((c >>> 32) != gen) return;
      int i = (int) c;
      if (i >= n) return;
      if (!claim.compareAndSet(c, c + 1)) continue;
      try {
        t.run(i);
      } catch (Throwable e) {
        failure = e;
      } finally {
        done.incrementAndGet();
      }
    }
  }

  private void workLoop() {
    long seen = 0;
    while (true) {
      int spins = 0;
      while (generation == seen) {
        if (++spins < SPINS_BEFORE_PARK) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      seen = generation;
      Task t = task;
      int n = tasks;
      if (t != null) drain(seen, t, n);
    }
  }
}
