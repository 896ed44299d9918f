package dev.hubel.kernel;

/**
 * Not a test: times the channels-last convolution alone ({@link NhwcConvolution}) on ResNet-50's
 * layer shapes, in GFLOP/s of each shape's raw multiply-adds, the median of 15 timings after
 * warm-up; what BENCHMARKS.md's table of register tiles was measured with. With
 * {@code -Dwinograd=true} it times the 3x3 layers of ResNet-50, VGG-16 and AlphaGo both ways,
 * direct and by {@link NhwcWinograd}, in ms and the direct's GFLOP/s, {@code -Dlayers} (6) layers
 * of each shape in turn, so that each finds its weights out of the caches.
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
    if (Boolean.getBoolean("winograd")) {
      winograd(pool, a);
      return;
    }
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

  /** Shapes from the arguments (n,C,H,F each), else the list below. */
  private static void winograd(WorkerPool pool, String[] args) {
    int[][] shapes = {
      // n, C, H, F: ResNet-50 at 1 and 8, VGG-16 at 1, AlphaGo at 16
      {1, 64, 56, 64}, {1, 128, 28, 128}, {1, 256, 14, 256}, {1, 512, 7, 512},
      {8, 64, 56, 64}, {8, 128, 28, 128}, {8, 256, 14, 256}, {8, 512, 7, 512},
      {1, 64, 224, 64}, {1, 128, 112, 128}, {1, 256, 56, 256}, {1, 512, 28, 512}, {1, 512, 14, 512},
      {16, 192, 19, 192},
    };
    if (args.length > 0) {
      shapes = java.util.Arrays.stream(args)
          .map(arg -> java.util.Arrays.stream(arg.split(",")).mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
    }
    // several layers of each shape, timed one after another as a network runs them: each reads
    // weights the others have pushed out of the caches (one layer alone keeps them warm)
    int layers = Integer.getInteger("layers", 6);
    WinogradBuffers buffers = new WinogradBuffers();
    for (int[] sh : shapes) {
      int n = sh[0], c = sh[1], h = sh[2], f = sh[3];
      Nhwc in = new Nhwc(c, h, h, 1), out = new Nhwc(f, h, h, 0);
      Runnable[] direct = new Runnable[layers], wino = new Runnable[layers];
      java.util.Random r = new java.util.Random(1);
      for (int l = 0; l < layers; l++) {
        float[] x = new float[in.floats(n)], y = new float[out.floats(n)], w = new float[f * c * 9];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat();
        NhwcConvolution d = new NhwcConvolution(in, out, 3, 3, 1, 1, w, null, null, null, null, null, 1e-5f, pool);
        NhwcWinograd v = new NhwcWinograd(in, out, 1, w, null, null, null, null, null, 1e-5f, pool, buffers);
        direct[l] = () -> d.run(x, y, null, null, true, n);
        wino[l] = () -> v.run(x, y, null, null, true, n);
      }
      double flop = 2.0 * n * h * h * f * c * 9 * layers;
      long td = median(() -> { for (Runnable j : direct) j.run(); }, flop) / layers;
      long tv = median(() -> { for (Runnable j : wino) j.run(); }, flop) / layers;
      System.out.printf("n%d %dx%dx%d -> %d: direct %.3f ms (%.0f GF/s), winograd %.3f ms: %.2fx%n", n, h, h, c, f,
          td / 1e6, flop / layers / td, tv / 1e6, (double) td / tv);
    }
  }

  /** The median of 15 timings (ns) after warm-up, each over enough runs for about a second of direct work. */
  private static long median(Runnable job, double flop) {
    for (int i = 0; i < 30; i++) job.run();
    long[] t = new long[15];
    for (int rep = 0; rep < t.length; rep++) {
      int iters = Math.max(3, (int) (1e9 / flop));
      long t0 = System.nanoTime();
      for (int i = 0; i < iters; i++) job.run();
      t[rep] = (System.nanoTime() - t0) / iters;
    }
    java.util.Arrays.sort(t);
    return t[7];
  }
}
