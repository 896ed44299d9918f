package dev.hubel.cli.bench;

import java.util.Arrays;

/**
 * One benchmark row's measurements: the first call on its own (JIT warm-up, lazy allocation:
 * what a user waits for before the first batch is done) and each timed run after warm-up.
 *
 * @param firstMillis the first call, in milliseconds (NaN where it does not apply)
 * @param values      one value per timed run, in the row's unit
 */
public record Timing(double firstMillis, double[] values) {

  public double median() {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  public double min() {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  public double max() {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  /** How long the warm-up runs at least, in nanoseconds, and how long each timed run lasts at least. */
  public static final long WARM_UP_NANOS = 1_000_000_000L, RUN_NANOS = 300_000_000L;
  /**
   * The warm-up goes on in stretches this long until one runs no faster than the best before it
   * (within {@link #SETTLED}), for at most {@link #MAX_WARM_UP_NANOS}: the JIT compiles a model's
   * kernels over seconds, and on two busy cores its compiler threads take longer still. LeNet-5's
   * training step ran at 60 ms for its first 40 steps, then 6, 4.4 and 3.5 ms (2026-12-04); after a
   * fixed second of warm-up the bench had timed it at anything from 3,000 to 18,000 img/s.
   */
  public static final long STRETCH_NANOS = 500_000_000L, MAX_WARM_UP_NANOS = 20_000_000_000L;
  /** A stretch this close to the best one's time per call (or slower) counts as warmed up. */
  static final double SETTLED = 0.97;

  /**
   * Times {@code call}: once cold, then warmed up (at least two calls and a second, and on until
   * the speed settles: {@link #STRETCH_NANOS}), then {@code runs} runs of as many calls as fill
   * {@link #RUN_NANOS}. With {@code itemsPerCall > 0} each value is items per second, else
   * milliseconds per call.
   */
  public static Timing of(Runnable call, int runs, double itemsPerCall) {
    long start = System.nanoTime();
    call.run();
    double first = (System.nanoTime() - start) / 1e6;
    double perCall = warmUp(call);
    int reps = (int) Math.max(1, Math.ceil(RUN_NANOS / perCall));
    double[] values = new double[runs];
    for (int r = 0; r < runs; r++) {
      double nanosPerCall = timed(call, reps);
      values[r] = itemsPerCall > 0 ? itemsPerCall / (nanosPerCall / 1e9) : nanosPerCall / 1e6;
    }
    return new Timing(first, values);
  }

  /**
   * Milliseconds per call of a and of b, timed in turns: run r times a stretch of a and one of b
   * (a first in even runs, b first in odd ones), each as long as {@link #of}'s runs, after both
   * have warmed up as {@link #of} warms up. On a shared machine whose speed drifts from minute to
   * minute, the pair of a run sees the same drift, so their ratios vary less than the ratio of
   * two medians taken a minute apart. Returns {a's milliseconds, b's}, one per run.
   */
  public static double[][] alternating(Runnable a, Runnable b, int runs) {
    int repsA = (int) Math.max(1, Math.ceil(RUN_NANOS / warmUp(a)));
    int repsB = (int) Math.max(1, Math.ceil(RUN_NANOS / warmUp(b)));
    double[][] ms = new double[2][runs];
    for (int r = 0; r < runs; r++) {
      for (int turn = 0; turn < 2; turn++) {
        int which = (r + turn) % 2;
        pause();
        ms[which][r] = timed(which == 0 ? a : b, which == 0 ? repsA : repsB) / 1e6;
      }
    }
    return ms;
  }

  /**
   * A pause before each turn: worker threads spin a while after their last piece of work before
   * they sleep (ONNX Runtime's by default, Hubel's pool briefly), and on two cores the last
   * turn's spinning threads took time from the next: ResNet-50 at batch 1 read 32.3 ms in turns
   * with ONNX Runtime and 27.7 alone a minute before (2026-12-04).
   */
  private static void pause() {
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How long {@link #pause} waits. */
  static final long PAUSE_MILLIS = 200;

  /** Warms call up (see {@link #STRETCH_NANOS}); returns the last stretch's nanoseconds per call. */
  private static double warmUp(Runnable call) {
    long warm = System.nanoTime();
    double best = Double.MAX_VALUE, perCall;
    while (true) {
      long stretch = System.nanoTime();
      int calls = 0;
      while (calls < 2 || System.nanoTime() - stretch < STRETCH_NANOS) {
        call.run();
        calls++;
      }
      perCall = (double) (System.nanoTime() - stretch) / calls;
      boolean settled = perCall >= SETTLED * best;
      best = Math.min(best, perCall);
      long elapsed = System.nanoTime() - warm;
      if (elapsed >= WARM_UP_NANOS && settled || elapsed >= MAX_WARM_UP_NANOS) return perCall;
    }
  }

  /** Nanoseconds per call over reps calls. */
  private static double timed(Runnable call, int reps) {
    long t = System.nanoTime();
    for (int i = 0; i < reps; i++) call.run();
    return (double) (System.nanoTime() - t) / reps;
  }
}
