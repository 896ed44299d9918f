package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** LRN's base^beta: AlexNet's 0.75 by square roots, against Math.pow. */
class LocalResponseNormPowerTest {

  @Test
  void threeQuartersBySquareRootsIsMathPowToTheLastBit() {
    SplittableRandom rng = new SplittableRandom(75);
    int differ = 0, n = 1_000_000;
    for (int i = 0; i < n; i++) {
      // LRN's bases: k (1 or 2) plus alpha times a mean of squares, so from 1 up; a few wide ones too
      float base = i % 10 == 0 ? (float) Math.exp(rng.nextDouble(-20, 40)) : (float) (1 + rng.nextDouble() * rng.nextDouble() * 10);
      float want = (float) Math.pow(base, 0.75f), got = LocalResponseNorm.power(base, 0.75f);
      if (got != want) {
        differ++;
        assertThat(Math.abs(Math.nextUp(Math.min(got, want)) - Math.max(got, want))).as("base %s", base).isZero();
      }
    }
    assertThat(differ).as("bases of %d where the two round to neighbouring floats", n).isLessThan(n / 10_000);
    assertThat(LocalResponseNorm.power(2f, 0.5f)).isEqualTo((float) Math.pow(2f, 0.5f));
  }
}
