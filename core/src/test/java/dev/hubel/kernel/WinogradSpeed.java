package dev.hubel.kernel;

import java.util.Random;

/**
 * Times the parts of a Winograd F(4x4, 3x3) forward pass on one thread, by chunks of 64 tiles as
 * the pass runs them: the weight transform, the input transform, the 36 products and the output
 * transform (ms per pass, the last round of five passes after three seconds of them), and the input transform alone
 * in ns per tile and channel. Then, on the first image, the largest error of the output against
 * the direct sum in double, beside the largest error of a plain float sum. Not a test: run it by
 * hand, e.g. {@code -Dhubel.kernels=scalar} for the plain loops,
 * <pre>
 *   java --add-modules=jdk.incubator.vector -cp core/target/classes:core/target/test-classes \
 *     dev.hubel.kernel.WinogradSpeed 192,19,192,16
 * </pre>
 * (channels, side, filters, batch; padding 1).
 */
public final class WinogradSpeed {
  private static final int P = Winograd3x3.POSITIONS, CHUNK = 64;

  public static void main(String[] args) {
    String[] spec = (args.length > 0 ? args[0] : "192,19,192,16").split(",");
    int c = Integer.parseInt(spec[0]), side = Integer.parseInt(spec[1]), f = Integer.parseInt(spec[2]);
    int n = Integer.parseInt(spec[3]), pad = 1, tiles = Winograd3x3.tiles(side), total = n * tiles * tiles;
    Random random = new Random(1);
    float[] x = new float[n * c * side * side], w = new float[f * c * 9], y = new float[n * f * side * side];
    for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
    for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() / Math.sqrt(9.0 * c));
    float[] u = new float[P * f * c], v = new float[P * c * CHUNK], m = new float[P * f * CHUNK];
    float[] tmp = new float[Math.max(Winograd3x3.scratch(CHUNK, tiles), Winograd3x3.weightScratch(c))];
    double weights = 0, input = 0, products = 0, output = 0;
    long warm = System.nanoTime();
    for (int round = 0; round < 8 || System.nanoTime() - warm < 3_000_000_000L; round++) {
      weights = input = products = output = 0;
      for (int pass = 0; pass < 5; pass++) {
        long t0 = System.nanoTime();
        Winograd3x3.weights(w, 0, f, c, 0, f, u, 0, tmp);
        weights += System.nanoTime() - t0;
        for (int first = 0; first < total; first += CHUNK) {
          int count = Math.min(CHUNK, total - first), ld = Winograd3x3.padded(count);
          long a = System.nanoTime();
          Winograd3x3.input(x, 0, c * side * side, c, side, side, pad, tiles, tiles, first, count, v, 0, ld, tmp, 0);
          long b = System.nanoTime();
          for (int xi = 0; xi < P; xi++) {
            Gemm.sgemm(false, false, f, count, c, u, xi * f * c, c, v, xi * c * ld, ld, m, xi * f * ld, ld, false);
          }
          long d = System.nanoTime();
          Winograd3x3.output(m, 0, ld, f, 0, first, count, tiles, tiles, y, f * side * side, side, side, null, false,
              tmp, 0);
          input += b - a;
          products += d - b;
          output += System.nanoTime() - d;
        }
      }
    }
    System.out.printf("%d channels of %dx%d into %d filters, batch %d (%s kernels), ms per pass:%n", c, side, side, f, n,
        Kernels.vectorized() ? "vector" : "plain");
    System.out.printf("  weights %.2f, input %.2f (%.1f ns per tile and channel), products %.2f (%.0f GFLOP/s), output %.2f%n",
        weights / 5e6, input / 5e6, input / 5 / ((double) total * c), products / 5e6,
        2.0 * P * f * c * total / (products / 5), output / 5e6);
    double worst = 0, worstFloat = 0, largest = 0;
    for (int o = 0; o < f; o++) {
      for (int oy = 0; oy < side; oy++) {
        for (int ox = 0; ox < side; ox++) {
          double sum = 0;
          float floatSum = 0;
          for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < 3; ky++) {
              for (int kx = 0; kx < 3; kx++) {
                int iy = oy - pad + ky, ix = ox - pad + kx;
                if (iy < 0 || iy >= side || ix < 0 || ix >= side) continue;
                float p = x[(ci * side + iy) * side + ix] * w[((o * c + ci) * 3 + ky) * 3 + kx];
                sum += (double) x[(ci * side + iy) * side + ix] * w[((o * c + ci) * 3 + ky) * 3 + kx];
                floatSum += p;
              }
            }
          }
          worst = Math.max(worst, Math.abs(y[(o * side + oy) * side + ox] - sum));
          worstFloat = Math.max(worstFloat, Math.abs(floatSum - sum));
          largest = Math.max(largest, Math.abs(sum));
        }
      }
    }
    System.out.printf("  largest error on image 0: %.2e (a plain float sum: %.2e), of outputs up to %.2f%n", worst, worstFloat,
        largest);
  }
}
