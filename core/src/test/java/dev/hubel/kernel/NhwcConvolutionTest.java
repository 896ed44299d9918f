package dev.hubel.kernel;

import static dev.hubel.kernel.ConvReference.gaussian;
import static dev.hubel.kernel.ConvReference.randomNorm;
import static dev.hubel.kernel.ConvReference.reference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The channels-last convolution against the definition written out plainly in NCHW (a sum over
 * channels and window cells, padding read as zero), the batch norm, residual and ReLU applied
 * after it as the steps apart do. Shapes cover both filter block widths (two vectors, and one at
 * the end), pixel counts that leave a part tile, weights long enough to be cut into two and into
 * four k blocks, with both widths, and borders wider than the padding.
 */
class NhwcConvolutionTest {
  private static final WorkerPool POOL = new WorkerPool(2);

  @ParameterizedTest(name = "n={0} {1}x{2}x{3} -> {4} {5}x{6} s{7} p{8}, border {9}, norm {10}, residual {11}, relu {12}")
  @CsvSource({
      // n, C, H, W, F, Fh, Fw, S, P, border, norm, residual, relu
      "1, 3, 7, 7, 16, 3, 3, 1, 1, 1, false, false, false",
      "2, 7, 13, 11, 48, 3, 3, 2, 1, 2, true, false, true",
      "1, 33, 7, 7, 112, 1, 1, 1, 0, 0, true, true, true",
      "3, 1, 5, 9, 32, 5, 5, 1, 2, 2, false, false, true",
      "1, 3, 23, 23, 80, 11, 11, 4, 0, 0, false, false, true",
      "2, 3, 16, 16, 64, 7, 7, 2, 3, 3, true, false, true",
      "1, 520, 3, 3, 64, 3, 3, 1, 1, 1, true, true, false",  // K = 4680: two k blocks of packed weights (AVX-512)
      "1, 520, 3, 3, 48, 3, 3, 1, 1, 1, false, false, true", // the same with a block one vector wide
      "1, 1024, 3, 3, 64, 3, 3, 1, 1, 1, true, true, true",  // K = 9216: blocks in the middle, neither first nor last
      "1, 257, 3, 3, 64, 3, 3, 1, 1, 1, true, true, false",  // K = 2313 in one k block, odd
      "1, 64, 1, 1, 16, 3, 3, 1, 1, 1, false, true, true",   // a 1x1 map: every window cell but one is padding
      "2, 16, 14, 14, 96, 1, 1, 2, 0, 1, true, false, false", // 1x1 at stride 2, a border it does not need
      "2, 256, 5, 5, 528, 1, 1, 1, 0, 0, true, true, true", // weights past L2, each block's k whole: groups of 8 blocks, the last one vector
  })
  void matchesTheDefinition(int n, int c, int h, int w, int f, int fh, int fw, int s, int p, int border,
                            boolean norm, boolean residual, boolean relu) {
    int ho = (h + 2 * p - fh) / s + 1, wo = (w + 2 * p - fw) / s + 1;
    SplittableRandom rng = new SplittableRandom(n * 7919L + c * 31L + f);
    float[] x = gaussian(rng, n * c * h * w), weights = gaussian(rng, f * c * fh * fw), bias = gaussian(rng, f);
    float[][] bn = norm ? randomNorm(rng, f) : new float[4][];
    float[] gamma = bn[0], beta = bn[1], mean = bn[2], var = bn[3];
    float[] res = residual ? gaussian(rng, n * f * ho * wo) : null;
    float[] want = reference(x, n, c, h, w, weights, bias, f, fh, fw, s, p, ho, wo, gamma, beta, mean, var, res, relu);

    Nhwc in = new Nhwc(c, h, w, border), out = new Nhwc(f, ho, wo, 1), resLayout = new Nhwc(f, ho, wo, 2);
    float[] xs = new float[in.floats(n)], ys = new float[out.floats(n)], rs = residual ? new float[resLayout.floats(n)] : null;
    ChannelsLast.fromNchw(x, in, xs, 0, n * h);
    if (residual) ChannelsLast.fromNchw(res, resLayout, rs, 0, n * ho);
    java.util.Arrays.fill(ys, 777f);  // the border must stay as it is
    NhwcConvolution conv = new NhwcConvolution(in, out, fh, fw, s, p, weights, bias, gamma, beta, mean, var, 1e-5f, POOL);
    conv.run(xs, ys, resLayout, rs, relu, n);
    float[] got = new float[n * f * ho * wo];
    ChannelsLast.toNchw(out, ys, got, 0, n * ho);
    for (int i = 0; i < want.length; i++) {
      float tolerance = 1e-4f * (1 + Math.abs(want[i])) * (float) Math.sqrt(c * fh * fw);
      assertThat(got[i]).as("output %d of %d", i, want.length).isCloseTo(want[i], org.assertj.core.data.Offset.offset(tolerance));
    }
    int border777 = 0;
    for (float v : ys) if (v == 777f) border777++;
    assertThat(border777).as("border entries left alone").isEqualTo(out.floats(n) - n * ho * wo * f);
  }

  @Test
  void refusesFiltersThatDoNotFillVectors() {
    int lanes = ChannelsLast.lanes();
    assertThatThrownBy(() -> new NhwcConvolution(new Nhwc(3, 5, 5, 0), new Nhwc(lanes + 1, 3, 3, 0), 3, 3, 1, 0,
        new float[(lanes + 1) * 27], null, null, null, null, null, 1e-5f, POOL))
        .hasMessageContaining("multiple of " + lanes + " filters");
  }
}
