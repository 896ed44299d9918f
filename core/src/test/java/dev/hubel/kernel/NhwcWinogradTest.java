package dev.hubel.kernel;

import static dev.hubel.kernel.ConvReference.gaussian;
import static dev.hubel.kernel.ConvReference.randomNorm;
import static dev.hubel.kernel.ConvReference.reference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Channels-last Winograd against the definition in double (3x3, stride 1), with the batch norm,
 * residual and ReLU after it. Shapes cover maps that are and are not multiples of the 4x4 tile,
 * a map smaller than one tile, pads of 0, 1 and 2 (a patch reaching past the input's border),
 * chunks of tiles cut at the end, a filter block one vector wide, one image's few tiles cut
 * among the threads by filters instead, and layers whose transformed weights send them phase by
 * phase, their products in one group of tiles or more, and a batch cut into spans of tiles.
 */
class NhwcWinogradTest {
  private static final WorkerPool POOL = new WorkerPool(2);

  @ParameterizedTest(name = "n={0} {1}x{2}x{3} -> {4} p{5}, border {6}, norm {7}, residual {8}, relu {9}")
  @CsvSource({
      // n, C, H, W, F, P, border, norm, residual, relu, span (phased passes; empty: the default)
      "1, 16, 4, 4, 32, 1, 1, false, false, false, ",   // one tile
      "2, 16, 7, 9, 48, 1, 1, true, false, true, ",     // part tiles; a last filter block one vector wide
      "1, 32, 14, 14, 64, 1, 2, true, true, true, ",    // 14x14: tiles past the map; a border wider than the pad
      "3, 16, 13, 5, 16, 0, 0, false, true, false, ",   // pad 0, no border; filters one vector in all
      "2, 64, 8, 8, 64, 2, 1, false, false, true, ",    // pad 2, wider than the border: zeros not read from the array
      "1, 16, 1, 1, 32, 1, 1, false, true, true, ",     // a 1x1 map
      "2, 16, 28, 28, 32, 1, 1, true, true, true, ",    // 98 tiles: chunks of 28, the last of 14
      "1, 16, 8, 8, 128, 1, 1, false, false, true, ",   // 4 tiles, one chunk: pieces cut by filters
      "1, 272, 7, 7, 32, 1, 1, true, false, false, ",   // 272 channels: a long k loop
      // U past 4 MB (C x F past 29127): phase by phase, V and M whole
      "2, 256, 8, 8, 128, 1, 1, true, true, true, ",    // 8 tiles
      "1, 192, 9, 9, 160, 1, 2, false, true, false, ",  // 9 tiles; a last filter block one vector wide
      "1, 1024, 32, 32, 32, 1, 1, false, false, true, ", // 64 tiles: products in groups of 63 and 1
      "3, 256, 14, 14, 128, 1, 1, true, true, true, 21", // 48 tiles in spans of 21, 21 and 6
  })
  void matchesTheDefinition(int n, int c, int h, int w, int f, int p, int border, boolean norm, boolean residual,
                            boolean relu, Integer span) {
    assumeThat(ChannelsLast.available()).as("channels-last kernels (Vector API, 512-bit vectors)").isTrue();
    int ho = h + 2 * p - 2, wo = w + 2 * p - 2;
    SplittableRandom rng = new SplittableRandom(n * 7919L + c * 31L + f + p);
    float[] x = gaussian(rng, n * c * h * w), weights = gaussian(rng, f * c * 9), bias = gaussian(rng, f);
    float[][] bn = norm ? randomNorm(rng, f) : new float[4][];
    float[] gamma = bn[0], beta = bn[1], mean = bn[2], var = bn[3];
    float[] res = residual ? gaussian(rng, n * f * ho * wo) : null;
    float[] want = reference(x, n, c, h, w, weights, bias, f, 3, 3, 1, p, ho, wo, gamma, beta, mean, var, res, relu);

    Nhwc in = new Nhwc(c, h, w, border), out = new Nhwc(f, ho, wo, 1), resLayout = new Nhwc(f, ho, wo, 2);
    float[] xs = new float[in.floats(n)], ys = new float[out.floats(n)], rs = residual ? new float[resLayout.floats(n)] : null;
    java.util.Arrays.fill(xs, 1e30f);  // the input's border holds junk: the patches must not read it
    float[] interior = new float[in.floats(n)];
    ChannelsLast.fromNchw(x, in, interior, 0, n * h);
    for (int b = 0; b < n; b++) {
      for (int yy = 0; yy < h; yy++) System.arraycopy(interior, in.offset(b, yy, 0), xs, in.offset(b, yy, 0), w * c);
    }
    if (residual) ChannelsLast.fromNchw(res, resLayout, rs, 0, n * ho);
    java.util.Arrays.fill(ys, 777f);  // the output's border must stay as it is
    NhwcWinograd conv = new NhwcWinograd(in, out, p, weights, bias, gamma, beta, mean, var, 1e-5f, POOL,
        new WinogradBuffers());
    if (span != null) conv.span = span;  // a batch too large for one phased pass, in small
    conv.run(xs, ys, resLayout, rs, relu, n);
    float[] got = new float[n * f * ho * wo];
    ChannelsLast.toNchw(out, ys, got, 0, n * ho);
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      // Winograd rounds several times more than the direct sum (its transforms scale by up to 100 and back)
      float tolerance = 5e-5f * (1 + Math.abs(want[i])) * (float) Math.sqrt(c * 9);
      worst = Math.max(worst, Math.abs(got[i] - want[i]) / tolerance);
      assertThat(got[i]).as("output %d of %d", i, want.length).isCloseTo(want[i], Offset.offset(tolerance));
    }
    System.out.printf("winograd n=%d c=%d %dx%d f=%d: worst error %.3f of the tolerance%n", n, c, h, w, f, worst);
    int border777 = 0;
    for (float v : ys) if (v == 777f) border777++;
    assertThat(border777).as("border entries left alone").isEqualTo(out.floats(n) - n * ho * wo * f);
  }

  @Test
  void refusesChannelsThatDoNotFillVectors() {
    assumeThat(ChannelsLast.available()).as("channels-last kernels (Vector API, 512-bit vectors)").isTrue();
    int lanes = ChannelsLast.lanes();
    assertThatThrownBy(() -> new NhwcWinograd(new Nhwc(3, 5, 5, 1), new Nhwc(lanes, 5, 5, 0), 1,
        new float[lanes * 27], null, null, null, null, null, 1e-5f, POOL, new WinogradBuffers()))
        .hasMessageContaining("multiples of " + lanes).hasMessageContaining("3 channels");
  }
}
