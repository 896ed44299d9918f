package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * F(4x4, 3x3) end to end against the direct convolution in double precision, on odd sizes where
 * the last tiles hang over the output, every padding up to 2, and chunks of tiles that start and
 * end inside an image and span images: the forward pass (weight and input transforms, the 36
 * products, the output transform) and the weight gradient (input and output-gradient
 * transforms, the 36 products summed over tiles, the back-transform).
 */
class Winograd3x3Test {

  private static final int P = Winograd3x3.POSITIONS;
  /** The plain transforms, and the vector ones where this JVM has the Vector API (the suite runs with it). */
  private static final WinogradKernel[] KERNELS = Kernels.vectorized()
      ? new WinogradKernel[] {new WinogradKernel.Plain(), new VectorWinograd()} : new WinogradKernel[] {new WinogradKernel.Plain()};

  @ParameterizedTest(name = "{0} channels of {1}x{2} into {3} filters, pad {4}, batch {5}, chunks of {6} tiles, accumulate {7}")
  @CsvSource({
      "1, 3, 3, 1, 0, 1, 1, false",
      "3, 7, 7, 5, 1, 2, 7, true",
      "2, 8, 5, 3, 2, 3, 4, false",
      "4, 6, 9, 7, 0, 2, 5, true",
      "5, 1, 1, 2, 1, 2, 64, false",
      "33, 9, 9, 17, 1, 1, 3, true",
      "2, 9, 7, 4, 1, 3, 64, false",
      "3, 10, 5, 6, 2, 2, 48, true",
      "7, 19, 19, 3, 1, 2, 11, false",
  })
  void forwardMatchesTheDirectConvolution(int c, int h, int w, int f, int pad, int n, int chunk, boolean accumulate) {
    for (WinogradKernel kernel : KERNELS) forward(kernel, c, h, w, f, pad, n, chunk, accumulate);
  }

  private static void forward(WinogradKernel kernel, int c, int h, int w, int f, int pad, int n, int chunk, boolean accumulate) {
    Case k = new Case(c, h, w, f, pad, n);
    float[] u = new float[P * f * c + 3];
    // in two blocks of filters, as the pass splits them over its threads
    kernel.weights(k.weights, 0, f, c, 0, f / 2, u, 3, new float[Winograd3x3.weightScratch(c)]);
    kernel.weights(k.weights, 0, f, c, f / 2, f, u, 3, new float[Winograd3x3.weightScratch(c)]);
    float[] y = new float[n * f * k.ho * k.wo];
    if (accumulate) java.util.Arrays.fill(y, 0.25f);  // a gradient already there: added to, bias ignored
    int total = n * k.tilesH * k.tilesW;
    for (int t0 = 0; t0 < total; t0 += chunk) {
      int count = Math.min(chunk, total - t0);
      int ld = Winograd3x3.padded(count);  // rows padded to whole vectors, as the vector kernels need
      float[] v = new float[1 + P * c * ld], m = new float[2 + P * f * ld];
      float[] tmp = new float[5 + Winograd3x3.scratch(count, k.tilesW)];
      kernel.input(k.x, 0, c * h * w, c, h, w, pad, k.tilesH, k.tilesW, t0, count, v, 1, ld, tmp, 5);
      for (int xi = 0; xi < P; xi++) {
        Gemm.sgemm(false, false, f, count, c, u, 3 + xi * f * c, c, v, 1 + xi * c * ld, ld, m, 2 + xi * f * ld, ld, false);
      }
      kernel.output(m, 2, ld, f, 0, t0, count, k.tilesH, k.tilesW, y, f * k.ho * k.wo, k.ho, k.wo,
          accumulate ? null : new Epilogue().set(0, k.bias, null, null, null, false), accumulate, tmp, 5);
    }
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < f; o++) {
        for (int oy = 0; oy < k.ho; oy++) {
          for (int ox = 0; ox < k.wo; ox++) {
            double sum = (accumulate ? 0.25 : k.bias[o]) + k.direct(i, o, oy, ox);
            float got = y[((i * f + o) * k.ho + oy) * k.wo + ox];
            assertThat((double) got).as("%s: image %d filter %d at (%d, %d)", kernel.getClass().getSimpleName(), i, o, oy, ox)
                .isCloseTo(sum, Offset.offset(2e-4 * Math.max(1, Math.abs(sum)) + 2e-4 * Math.sqrt(c)));
          }
        }
      }
    }
  }

  /**
   * The output transform with an epilogue (bias, then a norm, then the ReLU, from a row offset)
   * gives the bits of the transform with the bias alone followed by those steps apart, on both
   * kernels, tiles hanging over the output included.
   */
  @ParameterizedTest(name = "{0} filters of {1}x{2}, norm {3}, relu {4}")
  @CsvSource({"5, 7, 9, true, true", "17, 13, 13, true, false", "3, 4, 5, false, true"})
  void outputEpilogueIsTheStepsApart(int f, int ho, int wo, boolean norm, boolean relu) {
    java.util.Random random = new java.util.Random(f * 31L + ho);
    int tilesH = (ho + 3) / 4, tilesW = (wo + 3) / 4, count = 2 * tilesH * tilesW, ld = Winograd3x3.padded(count);
    float[] m = new float[P * f * ld], bias = new float[f + 2], mean = new float[f + 2], scale = new float[f + 2],
        shift = new float[f + 2];
    for (float[] a : new float[][] {m, bias, mean, scale, shift}) {
      for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() * 2 - 1;
    }
    for (WinogradKernel kernel : KERNELS) {
      float[] plain = new float[2 * f * ho * wo], finished = new float[2 * f * ho * wo];
      float[] tmp = new float[Winograd3x3.scratch(count, tilesW)];
      kernel.output(m, 0, ld, f, 0, 0, count, tilesH, tilesW, plain, f * ho * wo, ho, wo,
          new Epilogue().set(2, bias, null, null, null, false), false, tmp, 0);
      kernel.output(m, 0, ld, f, 0, 0, count, tilesH, tilesW, finished, f * ho * wo, ho, wo,
          new Epilogue().set(2, bias, norm ? mean : null, norm ? scale : null, norm ? shift : null, relu), false, tmp, 0);
      for (int i = 0; i < plain.length; i++) {
        int row = 2 + i / (ho * wo) % f;
        float v = plain[i];
        if (norm) v = (v - mean[row]) * scale[row] + shift[row];
        if (relu) v = Math.max(0f, v);
        assertThat(Float.floatToRawIntBits(finished[i])).as("%s at %d", kernel.getClass().getSimpleName(), i)
            .isEqualTo(Float.floatToRawIntBits(v));
      }
    }
  }

  @ParameterizedTest(name = "{0} channels of {1}x{2} into {3} filters, pad {4}, batch {5}")
  @CsvSource({
      "1, 3, 3, 1, 0, 1",
      "3, 7, 7, 5, 1, 2",
      "2, 8, 5, 3, 2, 3",
      "4, 6, 9, 7, 0, 2",
      "17, 9, 9, 33, 1, 1",
      "6, 19, 19, 5, 1, 2",
      "3, 19, 19, 2, 1, 7",  // 175 tiles: calls of 80 and 95, more than one pass's chunk of 64
  })
  void weightGradientMatchesTheDirectSum(int c, int h, int w, int f, int pad, int n) {
    for (WinogradKernel kernel : KERNELS) weightGradient(kernel, c, h, w, f, pad, n);
  }

  private static void weightGradient(WinogradKernel kernel, int c, int h, int w, int f, int pad, int n) {
    Case k = new Case(c, h, w, f, pad, n);
    Random random = new Random(7);
    float[] dy = new float[n * f * k.ho * k.wo];
    for (int i = 0; i < dy.length; i++) dy[i] = random.nextFloat() * 2 - 1;
    int total = n * k.tilesH * k.tilesW;
    int ld = Winograd3x3.padded(total);
    float[] v = new float[P * c * ld], dm = new float[P * f * ld];
    float[] tmp = new float[Winograd3x3.scratch(total, k.tilesW)];
    // two chunks where there are tiles enough, the second starting at a whole vector as the pass's chunks do
    int half = (total / 2) & ~15;
    if (half > 0) kernel.input(k.x, 0, c * h * w, c, h, w, pad, k.tilesH, k.tilesW, 0, half, v, 0, ld, tmp, 0);
    kernel.input(k.x, 0, c * h * w, c, h, w, pad, k.tilesH, k.tilesW, half, total - half, v, half, ld, tmp, 0);
    kernel.outputGradient(dy, 0, f * k.ho * k.wo, f, k.ho, k.wo, k.tilesH, k.tilesW, 0, total, dm, 0, ld,
        tmp, 0);
    float[] du = new float[P * f * c];
    for (int xi = 0; xi < P; xi++) {
      Gemm.sgemm(false, true, f, c, total, dm, xi * f * ld, ld, v, xi * c * ld, ld, du, xi * f * c, c, false);
    }
    float[] dw = new float[f * c * 9];
    java.util.Arrays.fill(dw, 0.5f);  // a gradient already there: added to
    kernel.weightGradient(du, 0, f, c, 0, f / 2, dw, 0, tmp);
    kernel.weightGradient(du, 0, f, c, f / 2, f, dw, 0, tmp);
    for (int o = 0; o < f; o++) {
      for (int ci = 0; ci < c; ci++) {
        for (int ky = 0; ky < 3; ky++) {
          for (int kx = 0; kx < 3; kx++) {
            double sum = 0.5, scale = 0;
            for (int i = 0; i < n; i++) {
              for (int oy = 0; oy < k.ho; oy++) {
                for (int ox = 0; ox < k.wo; ox++) {
                  int iy = oy - pad + ky, ix = ox - pad + kx;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  double term = (double) dy[((i * f + o) * k.ho + oy) * k.wo + ox] * k.x[((i * c + ci) * h + iy) * w + ix];
                  sum += term;
                  scale += Math.abs(term);
                }
              }
            }
            float got = dw[((o * c + ci) * 3 + ky) * 3 + kx];
            assertThat((double) got).as("%s: filter %d channel %d at (%d, %d)", kernel.getClass().getSimpleName(), o, ci, ky, kx)
                .isCloseTo(sum, Offset.offset(2e-4 * Math.max(1, scale)));
          }
        }
      }
    }
  }

  /** Random x, weights and bias for a 3x3 convolution, and the direct sum in double. */
  private static final class Case {
    final int c, h, w, f, pad, ho, wo, tilesH, tilesW;
    final float[] x, weights, bias;

    Case(int c, int h, int w, int f, int pad, int n) {
      this.c = c;
      this.h = h;
      this.w = w;
      this.f = f;
      this.pad = pad;
      this.ho = h + 2 * pad - 2;
      this.wo = w + 2 * pad - 2;
      this.tilesH = Winograd3x3.tiles(ho);
      this.tilesW = Winograd3x3.tiles(wo);
      Random random = new Random(c * 100L + h * 10L + w + f);
      x = new float[n * c * h * w];
      weights = new float[f * c * 9];
      bias = new float[f];
      for (int i = 0; i < x.length; i++) x[i] = random.nextFloat() * 2 - 1;
      for (int i = 0; i < weights.length; i++) weights[i] = random.nextFloat() * 2 - 1;
      for (int i = 0; i < f; i++) bias[i] = random.nextFloat();
    }

    double direct(int i, int o, int oy, int ox) {
      double sum = 0;
      for (int ci = 0; ci < c; ci++) {
        for (int ky = 0; ky < 3; ky++) {
          for (int kx = 0; kx < 3; kx++) {
            int iy = oy - pad + ky, ix = ox - pad + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            sum += (double) x[((i * c + ci) * h + iy) * w + ix] * weights[((o * c + ci) * 3 + ky) * 3 + kx];
          }
        }
      }
      return sum;
    }
  }
}
