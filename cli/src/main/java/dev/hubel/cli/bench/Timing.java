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
   * Times {@code call}: once cold, then at least two calls and a second of warm-up, then
   * {@code runs} runs of as many calls as fill {@link #RUN_NANOS}. With {@code itemsPerCall > 0}
   * each value is items per second, else milliseconds per call.
   */
  public static Timing of(Runnable call, int runs, double itemsPerCall) {
    long start = System.nanoTime();
    call.run();
    double first = (System.nanoTime() - start) / 1e6;
    long warm = System.nanoTime();
    int calls = 0;
    while (calls < 2 || System.nanoTime() - warm < WARM_UP_NANOS) {
      call.run();
      calls++;
    }
    double perCall = (double) (System.nanoTime() - warm) / calls;
    int reps = (int) Math.max(1, Math.ceil(RUN_NANOS / perCall));
    double[] values = new double[runs];
    for (int r = 0; r < runs; r++) {
      long t = System.nanoTime();
      for (int i = 0; i < reps; i++) call.run();
      double nanosPerCall = (double) (System.nanoTime() - t) / reps;
      values[r] = itemsPerCall > 0 ? itemsPerCall / (nanosPerCall / 1e9) : nanosPerCall / 1e6;
    }
    return new Timing(first, values);
  }
}
