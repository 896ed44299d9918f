package dev.hubel.kernel;

/**
 * Not a test: times the channels-last convolution alone ({@link NhwcConvolution}) on ResNet-50's
 * layer shapes, in GFLOP/s of each shape's raw multiply-adds, the median of 15 timings after
 * warm-up; what BENCHMARKS.md's table of register tiles was measured with.
 *
 * <pre>
 *   java --add-modules=jdk.incubator.vector -XX:+UseParallelGC -Dthreads=1 \
 *     -cp core/target/classes:core/target/test-classes dev.hubel.kernel.NhwcConvSpeed
 * </pre>
 */
public final class NhwcConvSpeed {
  private NhwcConvSpeed() {}

  public static void main(String[] a) {
    WorkerPool pool = new WorkerPool(Integer.getInteger("threads", 2));
    int[][] shapes = {
      // n, C, H, F, k, s, pad
      {1, 2048, 7, 512, 1, 1, 0}, {1, 512, 7, 512, 3, 1, 1}, {1, 512, 7, 2048, 1, 1, 0},
      {1, 1024, 14, 256, 1, 1, 0}, {1, 256, 14, 256, 3, 1, 1}, {1, 256, 14, 1024, 1, 1, 0},
      {1, 64, 56, 64, 3, 1, 1}, {1, 256, 56, 64, 1, 1, 0}, {1, 64, 56, 256, 1, 1, 0},
      {1, 3, 224, 64, 7, 2, 3}, {1, 256, 56, 128, 3, 2, 1}, {8, 512, 7, 512, 3, 1, 1}, {8, 1024, 14, 256, 1, 1, 0},
    };
    for (int[] sh : shapes) {
      int n = sh[0], c = sh[1], h = sh[2], f = sh[3], k = sh[4], s = sh[5], p = sh[6];
      int ho = (h + 2 * p - k) / s + 1;
      Nhwc in = new Nhwc(c, h, h, p), out = new Nhwc(f, ho, ho, 0);
      float[] x = new float[in.floats(n)], y = new float[out.floats(n)], w = new float[f * c * k * k];
      java.util.Random r = new java.util.Random(1);
      for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
      for (int i = 0; i < w.length; i++) w[i] = r.nextFloat();
      NhwcConvolution conv = new NhwcConvolution(in, out, k, k, s, p, w, null, null, null, null, null, 1e-5f, pool);
      double flop = 2.0 * n * ho * ho * f * c * k * k;
      for (int i = 0; i < 200; i++) conv.run(x, y, null, null, true, n);
      long[] t = new long[15];
      for (int rep = 0; rep < t.length; rep++) {
        int iters = Math.max(3, (int) (2e9 / flop));
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) conv.run(x, y, null, null, true, n);
        t[rep] = (System.nanoTime() - t0) / iters;
      }
      java.util.Arrays.sort(t);
      System.out.printf("n%d %dx%dx%d -> %d %dx%d s%d: %.3f ms  %.0f GF/s%n", n, h, h, c, f, k, k, s, t[7] / 1e6, flop / t[7]);
    }
  }
}
