package dev.hubel.train;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Steers a {@link TrainingRun} from another thread (the dashboard's page): pause and resume,
 * a new learning rate, work that needs the weights still (saving a model file now). The run
 * looks at it before every batch ({@link TrainingRun#control}); the other thread only sets
 * fields here, so it never waits for training and training never waits for it.
 *
 * <p>A learning rate set here holds from the next batch to the end of the run: it replaces the
 * schedule's, and the epoch's result records it. Time spent paused does not count towards the
 * epoch's images per second.
 */
public final class TrainingControl {
  /** Requests waiting for the training thread at most; more are refused rather than queued without bound. */
  public static final int MAX_PENDING = 8;

  private final Object pauseLock = new Object();
  private final ConcurrentLinkedQueue<Consumer<TrainingRun>> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private volatile boolean paused;
  private volatile float learningRate = Float.NaN;  // NaN: the schedule's

  /** Stops the run before its next batch, until {@link #resume}. */
  public void pause() {
    paused = true;
  }

  public void resume() {
    synchronized (pauseLock) {
      paused = false;
      pauseLock.notifyAll();
    }
  }

  public boolean isPaused() {
    return paused;
  }

  /** The learning rate from the next batch on, replacing the schedule's. */
  public void setLearningRate(float lr) {
    if (!(lr > 0) || !Float.isFinite(lr)) {
      throw new IllegalArgumentException("learning rate must be a positive number, received " + lr);
    }
    learningRate = lr;
  }

  /** The rate set with {@link #setLearningRate}, or NaN when the schedule's applies. */
  public float learningRate() {
    return learningRate;
  }

  /**
   * Runs {@code task} on the training thread between two batches (also while paused), when the
   * weights are not moving, and completes the future with its result or its exception: a task
   * that fails does not stop the run. Refused (an {@link IllegalStateException}) when
   * {@value #MAX_PENDING} tasks are waiting already. A run that has ended runs no more tasks: the
   * caller bounds its wait.
   */
  public <R> CompletableFuture<R> betweenBatches(Function<TrainingRun, R> task) {
    if (pendingCount.incrementAndGet() > MAX_PENDING) {
      pendingCount.decrementAndGet();
      throw new IllegalStateException(MAX_PENDING + " requests are already waiting for the training thread; try again shortly");
    }
    CompletableFuture<R> done = new CompletableFuture<>();
    pending.add(run -> {
      try {
        done.complete(task.apply(run));
      } catch (RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
    });
    synchronized (pauseLock) {
      pauseLock.notifyAll();  // a paused run serves tasks too
    }
    return done;
  }

  /**
   * Called by the run before every batch: serves waiting tasks, applies a new learning rate, and
   * waits while paused. Allocates nothing when nothing was asked.
   */
  void beforeBatch(TrainingRun run, BatchProgress progress) {
    runPending(run);
    if (paused) {
      long from = System.nanoTime();
      waitWhilePaused(run);
      progress.startNanos += System.nanoTime() - from;  // paused time is not training time
    }
    float lr = learningRate;
    if (!Float.isNaN(lr) && run.optimizer().learningRate() != lr) run.optimizer().setLearningRate(lr);
  }

  private void waitWhilePaused(TrainingRun run) {
    while (paused) {
      synchronized (pauseLock) {
        if (paused && pendingCount.get() == 0) {
          try {
            pauseLock.wait(1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();  // the run goes on; whoever interrupted it sees the flag
            return;
          }
        }
      }
      runPending(run);  // outside the lock: resume() never waits for a save
    }
  }

  private void runPending(TrainingRun run) {
    if (pendingCount.get() == 0) return;
    for (Consumer<TrainingRun> task; (task = pending.poll()) != null; ) {
      pendingCount.decrementAndGet();
      task.accept(run);
    }
  }
}
