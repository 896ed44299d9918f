package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forward pass on this JVM's kernels (the Vector API's here) against the plain loop: the same bits. */
class LocalResponseNormKernelTest {

  @ParameterizedTest(name = "{0} channels of {1} pixels, {2}..{3}, size {4}, beta {5}")
  @CsvSource({
      "96, 3025, 0, 3025, 5, 0.75",   // AlexNet's NORM1, one image
      "256, 729, 100, 629, 5, 0.75",  // NORM2, a range of pixels
      "1, 1, 0, 1, 5, 0.75",
      "3, 33, 1, 33, 5, 0.75",
      "7, 257, 3, 250, 4, 0.75",      // an even window: one more channel before than after
      "7, 33, 0, 33, 3, 0.5",         // another power: the plain loop's
  })
  void vectorForwardIsThePlainLoopBitForBit(int c, int hw, int p0, int p1, int size, float beta) {
    SplittableRandom random = new SplittableRandom(c * 1000L + hw);
    int off = 5, n = off + 2 * c * hw;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian() * 3;
    float[] y = new float[n], s = new float[n], yPlain = new float[n], sPlain = new float[n];
    LocalResponseNorm.forward(x, y, s, off, c, hw, p0, p1, size, 1e-4f, beta, 2f);
    LocalResponseNorm.forwardPlain(x, yPlain, sPlain, off, c, hw, p0, p1, size, 1e-4f, beta, 2f);
    assertThat(y).isEqualTo(yPlain);
    assertThat(s).isEqualTo(sPlain);
  }
}
