package dev.hubel.kernel;

import java.util.Arrays;
import java.util.Random;

/**
 * Not a test: times one channels-last convolution shape ({@link NhwcConvolution}, with a residual
 * and ReLU as ResNet's layers have them) under two settings of system properties, in alternating
 * rounds in one JVM, over copies of the layer (own weights and activations) taken in turn, so
 * that with enough copies every pass finds its data in memory, not in the caches, as a network
 * does. Prints both medians and the median of the rounds' ratios; checks that both settings give
 * the same output. Made for changes of a few percent, which separate runs on this shared host
 * cannot show. For example, with a temporary switch {@code exp.x} read where the layer is made or
 * run:
 * <pre>
 *   java --add-modules=jdk.incubator.vector -cp core/target/classes:core/target/test-classes \
 *     -Da=exp.x=true -Db= -Dcopies=8 dev.hubel.kernel.NhwcConvInTurns 1 64 56 256   # n C H F [k [stride]]
 * </pre>
 * {@code -Da}/{@code -Db}: comma-separated property=value lists (set while each setting's layers
 * are made and while they run); {@code -Dcopies} (default: as many as fill 64 MB); {@code -Drounds}
 * (11); {@code -Dthreads} (2); {@code -Dnores=true} for no residual; {@code -Dinplace=true} for
 * setting A to add its residual in place (the residual its own output array).
 */
public final class NhwcConvInTurns {
  private NhwcConvInTurns() {}

  public static void main(String[] a) {
    WorkerPool pool = new WorkerPool(Integer.getInteger("threads", 2));
    int n = Integer.parseInt(a[0]), c = Integer.parseInt(a[1]), h = Integer.parseInt(a[2]), f = Integer.parseInt(a[3]);
    int k = a.length > 4 ? Integer.parseInt(a[4]) : 1, s = a.length > 5 ? Integer.parseInt(a[5]) : 1, p = k / 2;
    boolean residual = !Boolean.getBoolean("nores"), inPlace = Boolean.getBoolean("inplace");
    int ho = (h + 2 * p - k) / s + 1;
    Nhwc in = new Nhwc(c, h, h, p), out = new Nhwc(f, ho, ho, 0);
    double flop = 2.0 * n * ho * ho * f * c * k * k;
    long bytes = 4L * (in.floats(n) + 2L * out.floats(n) + (long) f * c * k * k);
    int m = Integer.getInteger("copies", (int) Math.max(1, 64_000_000L / bytes));
    String[] setting = {System.getProperty("a", ""), System.getProperty("b", "")};
    float[][] x = new float[m][], y = new float[m][], r = new float[m][], w = new float[m][];
    Random random = new Random(1);
    for (int i = 0; i < m; i++) {
      x[i] = new float[in.floats(n)];
      y[i] = new float[out.floats(n)];
      r[i] = new float[out.floats(n)];
      for (int b = 0; b < n; b++) {  // the interior only: the border stays zero, as the layout's contract has it
        for (int row = 0; row < h; row++) {
          for (int j = 0; j < h * c; j++) x[i][in.offset(b, row, 0) + j] = random.nextFloat();
        }
      }
      w[i] = new float[f * c * k * k];
      for (int j = 0; j < w[i].length; j++) w[i][j] = random.nextFloat() - 0.5f;
    }
    NhwcConvolution[][] conv = new NhwcConvolution[2][m];
    for (int v = 0; v < 2; v++) {
      set(setting[v], true);
      for (int i = 0; i < m; i++) {
        conv[v][i] = new NhwcConvolution(in, out, k, k, s, p, w[i], null, null, null, null, null, 1e-5f, pool);
      }
      set(setting[v], false);
    }
    float[][] first = new float[2][];
    for (int v = 0; v < 2; v++) {  // warm up, then one pass on fresh copies of the residual to compare
      for (int i = 0; i < 300; i++) pass(v, conv, x, y, r, i % m, residual, inPlace && v == 0, out, n, setting[v]);
      Arrays.fill(r[0], 0.25f);
      Arrays.fill(y[0], 0.25f);
      pass(v, conv, x, y, r, 0, residual, inPlace && v == 0, out, n, setting[v]);
      first[v] = y[0].clone();
    }
    double worst = 0, scale = 0;
    for (int i = 0; i < first[0].length; i++) {
      worst = Math.max(worst, Math.abs(first[0][i] - first[1][i]));
      scale = Math.max(scale, Math.abs(first[1][i]));
    }
    int rounds = Integer.getInteger("rounds", 11);
    double[][] millis = new double[2][rounds];
    double[] ratio = new double[rounds];
    int passes = Math.max(m, (int) (3e8 / flop) / m * m);
    for (int round = 0; round < rounds; round++) {
      for (int turn = 0; turn < 2; turn++) {
        int v = (round + turn) % 2;  // which goes first alternates
        long t0 = System.nanoTime();
        for (int i = 0; i < passes; i++) pass(v, conv, x, y, r, i % m, residual, inPlace && v == 0, out, n, setting[v]);
        millis[v][round] = (System.nanoTime() - t0) / 1e6 / passes;
      }
      ratio[round] = millis[0][round] / millis[1][round];
    }
    System.out.printf("n%d %dx%dx%d -> %d %dx%d stride %d, %d copies: A [%s] %.3f ms, B [%s] %.3f ms, A/B %.3f"
            + " (A - B at most %.2g of %.3g)%n", n, h, h, c, f, k, k, s, m, setting[0], median(millis[0]), setting[1],
        median(millis[1]), median(ratio), worst, scale);
  }

  private static void pass(int v, NhwcConvolution[][] conv, float[][] x, float[][] y, float[][] r, int i,
                           boolean residual, boolean inPlace, Nhwc out, int n, String setting) {
    set(setting, true);  // for a switch read on every call
    conv[v][i].run(x[i], y[i], residual ? out : null, !residual ? null : inPlace ? y[i] : r[i], true, n);
    set(setting, false);
  }

  private static void set(String setting, boolean on) {
    for (String entry : setting.split(",")) {
      if (!entry.contains("=")) continue;
      String[] kv = entry.split("=", 2);
      if (on) {
        System.setProperty(kv[0], kv[1]);
      } else {
        System.clearProperty(kv[0]);
      }
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
