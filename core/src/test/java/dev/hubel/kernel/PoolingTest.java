package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Max pooling's 2x2 fast path against the rule written out plainly: the first maximum in row
 * order wins, and a NaN wins over everything and the first NaN stays (as PyTorch). The inputs are
 * full of ties, infinities and NaNs, where selects and branches are easiest to get different.
 */
class PoolingTest {

  @ParameterizedTest(name = "{0} planes of {1}x{2}")
  @CsvSource({"1, 2, 2", "3, 4, 6", "7, 28, 28", "2, 5, 7", "33, 14, 14"})
  void twoByTwoAtStrideTwoIsTheFirstMaximumWithNaNWinning(int planes, int h, int w) {
    int ho = h / 2, wo = w / 2;
    SplittableRandom rng = new SplittableRandom(planes * 1000L + h * 10L + w);
    float[] palette = {0f, 1f, -1f, 2f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    for (int trial = 0; trial < 20; trial++) {
      int off = 3;
      float[] x = new float[off + planes * h * w];
      for (int i = 0; i < x.length; i++) {
        x[i] = trial % 2 == 0 ? palette[rng.nextInt(palette.length)] : (float) rng.nextGaussian();
      }
      float[] y = new float[1 + planes * ho * wo];
      int[] argmax = new int[y.length];
      Pooling.maxForward(x, off, planes, h, w, 2, 2, 2, 0, ho, wo, y, 1, argmax);
      float[] values = new float[y.length];
      Pooling.maxForward(x, off, planes, h, w, 2, 2, 2, 0, ho, wo, values, 1, null);
      for (int p = 0; p < planes; p++) {
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < wo; ox++) {
            int at = -1;
            for (int dy = 0; dy < 2 && (at < 0 || !Float.isNaN(x[at])); dy++) {
              for (int dx = 0; dx < 2; dx++) {
                int i = off + p * h * w + (2 * oy + dy) * w + 2 * ox + dx;
                if (at < 0 || Float.isNaN(x[i]) || x[i] > x[at]) at = i;
                if (Float.isNaN(x[at])) break;
              }
            }
            int o = 1 + p * ho * wo + oy * wo + ox;
            assertThat(argmax[o]).as("winner of plane %d, output (%d, %d), trial %d", p, oy, ox, trial).isEqualTo(at);
            assertThat(Float.floatToRawIntBits(y[o])).isEqualTo(Float.floatToRawIntBits(x[at]));
            assertThat(Float.valueOf(values[o])).as("inference's maximum of plane %d, output (%d, %d)", p, oy, ox).isEqualTo(Float.valueOf(x[at]));
          }
        }
      }
    }
  }

  /** Any window, stride and padding (AlexNet's 3x3 at stride 2; ResNet's with padding 1; 1x1): the same rule, padding never winning. */
  @ParameterizedTest(name = "{0} planes of {1}x{2}, {3}x{3} stride {4} pad {5}")
  @CsvSource({"3, 13, 13, 3, 2, 0", "2, 8, 9, 3, 2, 1", "1, 7, 7, 3, 1, 1", "2, 6, 5, 2, 1, 0", "4, 11, 10, 5, 3, 2", "2, 56, 57, 3, 2, 1", "1, 27, 27, 3, 2, 0", "2, 10, 3, 3, 1, 0", "1, 4, 4, 3, 2, 1",
      // 1x1 windows (ResNet-20's shortcut at stride 2): every stride-th pixel
      "3, 8, 8, 1, 2, 0", "2, 7, 9, 1, 3, 0", "1, 5, 5, 1, 1, 0"})
  void anyWindowIsTheFirstMaximumWithNaNWinning(int planes, int h, int w, int f, int stride, int pad) {
    int ho = (h + 2 * pad - f) / stride + 1, wo = (w + 2 * pad - f) / stride + 1;
    SplittableRandom rng = new SplittableRandom(planes * 1000L + h * 10L + w + f);
    float[] palette = {0f, 1f, -1f, 2f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    for (int trial = 0; trial < 20; trial++) {
      float[] x = new float[2 + planes * h * w];
      for (int i = 0; i < x.length; i++) {
        x[i] = trial % 2 == 0 ? palette[rng.nextInt(palette.length)] : (float) rng.nextGaussian();
      }
      float[] y = new float[planes * ho * wo];
      int[] argmax = new int[y.length];
      Pooling.maxForward(x, 2, planes, h, w, f, f, stride, pad, ho, wo, y, 0, argmax);
      float[] values = new float[y.length];
      Pooling.maxForward(x, 2, planes, h, w, f, f, stride, pad, ho, wo, values, 0, null);
      for (int p = 0; p < planes; p++) {
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < wo; ox++) {
            int at = -1;
            for (int iy = oy * stride - pad; iy < oy * stride - pad + f; iy++) {
              for (int ix = ox * stride - pad; ix < ox * stride - pad + f; ix++) {
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                int i = 2 + p * h * w + iy * w + ix;
                boolean nanHeld = at >= 0 && Float.isNaN(x[at]);
                if (!nanHeld && (at < 0 || Float.isNaN(x[i]) || x[i] > x[at])) at = i;
              }
            }
            int o = p * ho * wo + oy * wo + ox;
            assertThat(argmax[o]).as("winner of plane %d, output (%d, %d), trial %d", p, oy, ox, trial).isEqualTo(at);
            assertThat(Float.floatToRawIntBits(y[o])).isEqualTo(Float.floatToRawIntBits(x[at]));
            assertThat(Float.valueOf(values[o])).as("inference's maximum of plane %d, output (%d, %d)", p, oy, ox).isEqualTo(Float.valueOf(x[at]));
          }
        }
      }
    }
  }
}
