package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * F(2x2, 3x3) end to end (weight and input transforms, the 16 products, the output transform)
 * against the direct convolution in double precision, on odd sizes where the last tiles hang
 * over the output, every padding up to 2, and chunks of tiles that start and end inside an image
 * and span images.
 */
class Winograd3x3Test {

  @ParameterizedTest(name = "{0} channels of {1}x{2} into {3} filters, pad {4}, batch {5}, chunks of {6} tiles, accumulate {7}")
  @CsvSource({
      "1, 3, 3, 1, 0, 1, 1, false",
      "3, 7, 7, 5, 1, 2, 7, true",
      "2, 8, 5, 3, 2, 3, 4, false",
      "4, 6, 9, 7, 0, 2, 5, true",
      "5, 1, 1, 2, 1, 2, 64, false",
      "33, 9, 9, 17, 1, 1, 33, true",
      "2, 9, 7, 4, 1, 3, 64, false",
      "3, 10, 5, 6, 2, 2, 48, true",
  })
  void matchesTheDirectConvolution(int c, int h, int w, int f, int pad, int n, int chunk, boolean accumulate) {
    int ho = h + 2 * pad - 2, wo = w + 2 * pad - 2, tilesH = (ho + 1) / 2, tilesW = (wo + 1) / 2;
    Random random = new Random(c * 100L + h * 10L + w + f);
    float[] x = new float[n * c * h * w], weights = new float[f * c * 9], bias = new float[f];
    for (int i = 0; i < x.length; i++) x[i] = random.nextFloat() * 2 - 1;
    for (int i = 0; i < weights.length; i++) weights[i] = random.nextFloat() * 2 - 1;
    for (int i = 0; i < f; i++) bias[i] = random.nextFloat();
    float[] u = new float[16 * f * c + 3];
    Winograd3x3.transformWeights(weights, 0, f, c, u, 3);
    float[] y = new float[n * f * ho * wo];
    if (accumulate) java.util.Arrays.fill(y, 0.25f);  // a gradient already there: added to, bias ignored
    int total = n * tilesH * tilesW;
    for (int t0 = 0; t0 < total; t0 += chunk) {
      int count = Math.min(chunk, total - t0);
      float[] v = new float[16 * c * count], m = new float[2 + 16 * f * count];
      Winograd3x3.transformInput(x, 0, c * h * w, c, h, w, pad, tilesH, tilesW, t0, count, v);
      for (int xi = 0; xi < 16; xi++) {
        Gemm.sgemm(false, false, f, count, c, u, 3 + xi * f * c, c, v, xi * c * count, count, m, 2 + xi * f * count, count, false);
      }
      float[] before = y.clone();
      Winograd3x3.transformOutput(m, 2, f, 0, t0, count, tilesH, tilesW, y, f * ho * wo, ho, wo, bias, accumulate);
      // the vector output transform (vectors of tiles, lane by lane out) gives the same bits
      new VectorElementwise().winogradOutput(m, 2, f, 0, t0, count, tilesH, tilesW, before, f * ho * wo, ho, wo, bias,
          accumulate, new float[3 + ElementwiseKernel.WINOGRAD_TMP], 3);
      assertThat(before).as("vector output transform, tiles %d..%d", t0, t0 + count).containsExactly(y);
    }
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < f; o++) {
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < wo; ox++) {
            double sum = accumulate ? 0.25 : bias[o];
            for (int ci = 0; ci < c; ci++) {
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  int iy = oy - pad + ky, ix = ox - pad + kx;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  sum += (double) x[((i * c + ci) * h + iy) * w + ix] * weights[((o * c + ci) * 3 + ky) * 3 + kx];
                }
              }
            }
            float got = y[((i * f + o) * ho + oy) * wo + ox];
            assertThat((double) got).as("image %d filter %d at (%d, %d)", i, o, oy, ox)
                .isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(sum)) + 1e-4 * Math.sqrt(c)));
          }
        }
      }
    }
  }
}
