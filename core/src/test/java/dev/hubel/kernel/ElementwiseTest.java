package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector elementwise kernels against the plain loops, bit for bit, on odd sizes and ranges. */
class ElementwiseTest {

  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 3, 7, 16, 33, 257, 1000})
  void reluBackwardMatchesThePlainLoop(int size) {
    assertThat(Kernels.ELEMENTWISE).as("the suite runs with the Vector API").isInstanceOf(VectorElementwise.class);
    SplittableRandom rng = new SplittableRandom(size);
    float[] y = new float[size + 5], dy = new float[size + 5], dx = new float[size + 5];
    for (int i = 0; i < y.length; i++) {
      // ReLU outputs: zeros, positives and a NaN now and then
      y[i] = rng.nextInt(10) == 0 ? Float.NaN : Math.max(0f, (float) rng.nextGaussian());
      dy[i] = (float) rng.nextGaussian();
      dx[i] = (float) rng.nextGaussian();
    }
    for (boolean accumulate : new boolean[] {true, false}) {
      for (int from : new int[] {0, 1, 2}) {
        float[] expected = dx.clone(), actual = dx.clone();
        new ElementwiseKernel.Plain().reluBackward(y, dy, expected, from, from + size, accumulate);
        Kernels.ELEMENTWISE.reluBackward(y, dy, actual, from, from + size, accumulate);
        assertThat(actual).as("from %d, accumulating %s", from, accumulate).containsExactly(expected);
        assertThat(actual[from + size - 1]).as("the last element is reached").isEqualTo(expected[from + size - 1]);
        // and what accumulating means: the old dx plus the masked dy, or that alone
        int last = from + size - 1;
        float masked = y[last] > 0f ? dy[last] : 0f;
        assertThat(actual[last]).isEqualTo(accumulate ? dx[last] + masked : masked);
      }
    }
  }

  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 3, 7, 16, 33, 257, 1000})
  void normalizeMatchesThePlainLoopWithAndWithoutRelu(int size) {
    SplittableRandom rng = new SplittableRandom(size + 99);
    float[] x = new float[size + 5];
    for (int i = 0; i < x.length; i++) {
      int kind = rng.nextInt(12);  // now and then a NaN, an infinity, or the mean itself (a zero, maybe -0)
      x[i] = kind == 0 ? Float.NaN : kind == 1 ? Float.NEGATIVE_INFINITY : kind == 2 ? 0.25f : (float) rng.nextGaussian();
    }
    for (boolean relu : new boolean[] {false, true}) {
      for (int from : new int[] {0, 1, 2}) {
        float[] expected = new float[x.length], actual = new float[x.length];
        new ElementwiseKernel.Plain().normalize(x, expected, from, size, 0.25f, -1.5f, 0f, relu);
        Kernels.ELEMENTWISE.normalize(x, actual, from, size, 0.25f, -1.5f, 0f, relu);
        for (int i = 0; i < x.length; i++) {
          assertThat(Float.floatToRawIntBits(actual[i])).as("relu %s, from %d, element %d", relu, from, i)
              .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        if (relu) {
          for (int i = from; i < from + size; i++) {
            float v = (x[i] - 0.25f) * -1.5f + 0f;
            assertThat(Float.floatToRawIntBits(actual[i])).isEqualTo(Float.floatToRawIntBits(Math.max(0f, v)));
          }
        }
      }
    }
  }

  /**
   * The ReLU's backward pass for a norm that kept only x: the mask is that of the ReLU over the
   * norm's own output (normalize, then max), where y is exactly beta-crossing, NaN or infinite too.
   */
  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 3, 7, 16, 33, 257, 1000})
  void reluBackwardOfNormMasksWhereTheNormalizedReluIsZero(int size) {
    SplittableRandom rng = new SplittableRandom(size + 7);
    float mean = 0.25f, a = -1.5f, beta = 0.75f;
    float[] x = new float[size + 5], dy = new float[size + 5], dx = new float[size + 5];
    for (int i = 0; i < x.length; i++) {
      int kind = rng.nextInt(12);  // now and then a NaN, an infinity, or an x whose y is exactly 0 (x = 0.75)
      x[i] = kind == 0 ? Float.NaN : kind == 1 ? Float.POSITIVE_INFINITY : kind == 2 ? 0.75f : (float) rng.nextGaussian();
      dy[i] = (float) rng.nextGaussian();
      dx[i] = 99f;
    }
    for (int from : new int[] {0, 1, 2}) {
      float[] relu = new float[x.length], expected = dx.clone(), plain = dx.clone(), actual = dx.clone();
      new ElementwiseKernel.Plain().normalize(x, relu, from, size, mean, a, beta, true);
      new ElementwiseKernel.Plain().reluBackward(relu, dy, expected, from, from + size, false);
      new ElementwiseKernel.Plain().reluBackwardOfNorm(x, dy, plain, from, size, mean, a, beta);
      Kernels.ELEMENTWISE.reluBackwardOfNorm(x, dy, actual, from, size, mean, a, beta);
      assertThat(plain).as("plain, from %d", from).containsExactly(expected);
      assertThat(actual).as("vector, from %d", from).containsExactly(expected);
    }
  }

  /**
   * A 2x2 max pool's row with its winners, vector against plain: ties (values from a handful),
   * NaNs now and then, row lengths around the vector's width.
   */
  @ParameterizedTest(name = "{0} outputs")
  @ValueSource(ints = {1, 3, 7, 15, 16, 17, 33, 100})
  void maxPoolRowMatchesThePlainLoop(int wo) {
    SplittableRandom rng = new SplittableRandom(wo + 3);
    int w = 2 * wo + 1, off = 5;  // an odd row (its last column unused) and an offset
    float[] x = new float[off + 2 * w + 3 + 40];  // slack: rows under a vector wide take the masked block
    for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(5) == 0 ? Float.NaN : rng.nextInt(4) - 1.5f;
    float[] yPlain = new float[wo + 2], yVector = new float[wo + 2];
    int[] atPlain = new int[wo + 2], atVector = new int[wo + 2];
    new ElementwiseKernel.Plain().max2x2Row(x, off, off + w, wo, yPlain, 1, atPlain);
    Kernels.ELEMENTWISE.max2x2Row(x, off, off + w, wo, yVector, 1, atVector);
    assertThat(atVector).containsExactly(atPlain);
    for (int i = 0; i < yPlain.length; i++) {
      assertThat(Float.floatToRawIntBits(yVector[i])).as("output %d", i).isEqualTo(Float.floatToRawIntBits(yPlain[i]));
    }
    for (int ox = 0; ox < wo; ox++) {  // and what winning means: the first largest, a NaN first of all
      int i0 = off + 2 * ox, i2 = i0 + w;
      float[] window = {x[i0], x[i0 + 1], x[i2], x[i2 + 1]};
      int[] at = {i0, i0 + 1, i2, i2 + 1};
      int best = 0;
      for (int k = 1; k < 4; k++) {
        if (Float.isNaN(window[best])) break;
        if (Float.isNaN(window[k]) || window[k] > window[best]) best = k;
      }
      assertThat(atPlain[1 + ox]).as("winner of window %d", ox).isEqualTo(at[best]);
    }
  }

  /**
   * A 3x3 stride-2 max pool's interior row, vector against plain, with and without winners: ties,
   * NaNs, signed zeros, ranges of outputs around the vector's width, the last row of the array.
   */
  @ParameterizedTest(name = "{0} outputs")
  @ValueSource(ints = {1, 3, 15, 16, 17, 33, 100})
  void maxPool3x3RowMatchesThePlainLoop(int wo) {
    SplittableRandom rng = new SplittableRandom(wo + 11);
    int w = 2 * wo + 1 + 2, first = 1;  // the windows of outputs first..first+wo start at column 2ox
    float[] x = new float[3 * w];       // three rows, ending where the array ends
    float[] pick = {Float.NaN, 0f, -0f, 1f, -1f, 2f};
    for (int i = 0; i < x.length; i++) x[i] = pick[rng.nextInt(pick.length)];
    for (boolean training : new boolean[] {false, true}) {
      float[] yPlain = new float[first + wo + 1], yVector = new float[first + wo + 1];
      int[] atPlain = training ? new int[first + wo + 1] : null, atVector = training ? new int[first + wo + 1] : null;
      new ElementwiseKernel.Plain().max3x3Stride2(x, -2 * first, w, first, first + wo - 1, yPlain, 0, atPlain);
      Kernels.ELEMENTWISE.max3x3Stride2(x, -2 * first, w, first, first + wo - 1, yVector, 0, atVector);
      for (int i = 0; i < yPlain.length; i++) {
        assertThat(Float.floatToRawIntBits(yVector[i])).as("training %s, output %d", training, i)
            .isEqualTo(Float.floatToRawIntBits(yPlain[i]));
      }
      if (training) assertThat(atVector).containsExactly(atPlain);
    }
  }

  /** Batch norm's double sums: the vector lanes sum in another order, so equal to about 1e-12, not to the bit. */
  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 3, 7, 16, 33, 257, 1000, 4099})
  void batchNormSumsMatchThePlainLoop(int size) {
    SplittableRandom rng = new SplittableRandom(size + 7);
    float[] x = new float[size + 3], dy = new float[size + 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (3 + 2 * rng.nextGaussian());
      dy[i] = (float) rng.nextGaussian();
    }
    ElementwiseKernel plain = new ElementwiseKernel.Plain();
    for (int from : new int[] {0, 1, 3}) {
      double sum = 0, squares = 0, dot = 0;
      for (int i = from; i < from + size; i++) {
        sum += x[i];
        squares += (x[i] - 3.1) * (x[i] - 3.1);
        dot += dy[i] * ((x[i] - 3.1f) * 0.5f);
      }
      double[][] pairs = {
          {Kernels.ELEMENTWISE.sum(x, from, size), plain.sum(x, from, size), sum},
          {Kernels.ELEMENTWISE.squaredDeviations(x, from, size, 3.1), plain.squaredDeviations(x, from, size, 3.1), squares},
          {Kernels.ELEMENTWISE.dotWithXhat(dy, x, from, size, 3.1f, 0.5f), plain.dotWithXhat(dy, x, from, size, 3.1f, 0.5f), dot},
      };
      for (double[] p : pairs) {
        double scale = Math.max(1, Math.abs(p[2]));
        assertThat(Math.abs(p[0] - p[2])).as("vector, %d from %d", size, from).isLessThanOrEqualTo(1e-12 * scale);
        assertThat(Math.abs(p[1] - p[2])).as("plain, %d from %d", size, from).isLessThanOrEqualTo(1e-12 * scale);
      }
    }
  }
}
