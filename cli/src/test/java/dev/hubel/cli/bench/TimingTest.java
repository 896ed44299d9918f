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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
