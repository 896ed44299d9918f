package dev.hubel.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimingTest {

  @Test
  void medianMinAndMaxOfOddAndEvenRuns() {
    Timing odd = new Timing(1, new double[] {5, 1, 3});
    assertThat(odd.median()).isEqualTo(3);
    assertThat(odd.min()).isEqualTo(1);
    assertThat(odd.max()).isEqualTo(5);
    assertThat(new Timing(1, new double[] {4, 1, 3, 10}).median()).isEqualTo(3.5);
  }

  @Test
  void ratesCountItemsPerSecondAndTimesMilliseconds() {
    Timing rate = Timing.of(() -> sleep(2), 2, 10);
    Timing time = Timing.of(() -> sleep(2), 2, 0);
    for (double v : rate.values()) assertThat(v).isBetween(100.0, 5000.0);   // 10 items in >= 2 ms
    for (double v : time.values()) assertThat(v).isBetween(2.0, 100.0);
    assertThat(time.firstMillis()).isGreaterThanOrEqualTo(2.0);
  }

  /**
   * A call that speeds up for two seconds (as a model's step does while the JIT compiles it), from
   * 5 ms to 1 ms, then stays there: the timed runs must all see the settled speed, which a fixed
   * second of warm-up did not.
   */
  @Test
  void warmsUpUntilTheSpeedSettles() {
    long start = System.nanoTime();
    Timing t = Timing.of(() -> {
      double seconds = (System.nanoTime() - start) / 1e9;
      spin(1_000_000L + (long) (4_000_000L * Math.max(0, 1 - seconds / 2)));
    }, 3, 0);
    for (double v : t.values()) assertThat(v).as("ms per call in a timed run").isBetween(1.0, 1.25);
    assertThat((System.nanoTime() - start) / 1e9).as("seconds taken").isLessThan(Timing.MAX_WARM_UP_NANOS / 1e9);
  }

  /** Two calls timed in turns: each run holds one timing of each, in milliseconds per call. */
  @Test
  void alternatingTimesBothCallsInEveryRun() {
    double[][] ms = Timing.alternating(() -> spin(1_000_000L), () -> spin(3_000_000L), 2);
    for (int r = 0; r < 2; r++) {
      assertThat(ms[0][r]).as("the first call, run %d", r).isBetween(1.0, 2.0);
      assertThat(ms[1][r]).as("the second call, run %d", r).isBetween(3.0, 6.0);
    }
  }

  private static void spin(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() < until) Thread.onSpinWait();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
