package dev.hubel.kernel;

import java.util.Arrays;
import java.util.Random;

/**
 * Prints single-thread GFLOP/s of {@link Gemm#sgemm} (median of 5 runs after warm-up). Not a test:
 * run it by hand with
 * {@code java --add-modules=jdk.incubator.vector -cp core/target/classes:core/target/test-classes dev.hubel.kernel.GemmSpeed}
 * for the two bench shapes, or with shapes {@code MxNxK} (B transposed: {@code MxNxKt}, a fully
 * connected layer's product), e.g. {@code 512x49x4608 16x4096x9216t}. To compare two builds on a
 * noisy host, run each pinned to its own core at the same time ({@code taskset -c 0}, {@code -c 1}).
 */
public final class GemmSpeed {

  public static void main(String[] args) {
    System.out.println("vectorized: " + Kernels.vectorized());
    if (args.length == 0) args = new String[] {"1024x1024x1024", "64x3136x576"};
    for (String shape : args) {
      boolean transB = shape.endsWith("t");
      String[] d = (transB ? shape.substring(0, shape.length() - 1) : shape).split("x");
      measure(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]), transB);
    }
  }

  private static void measure(int m, int n, int k, boolean transB) {
    Random random = new Random(1);
    float[] a = random(random, m * k);
    float[] b = random(random, k * n);
    float[] c = new float[m * n];
    double flops = 2.0 * m * n * k;
    int ldb = transB ? k : n;
    // seconds of warm-up: a fresh JVM runs the vector kernels slowly until C2 has compiled them
    long warm = System.nanoTime();
    while (System.nanoTime() - warm < 3_000_000_000L) Gemm.sgemm(false, transB, m, n, k, a, 0, k, b, 0, ldb, c, 0, n, false);
    int reps = (int) Math.max(1, 2e8 / flops);
    double[] gflops = new double[5];
    for (int run = 0; run < gflops.length; run++) {
      long start = System.nanoTime();
      for (int r = 0; r < reps; r++) Gemm.sgemm(false, transB, m, n, k, a, 0, k, b, 0, ldb, c, 0, n, false);
      gflops[run] = flops * reps / (System.nanoTime() - start);
    }
    Arrays.sort(gflops);
    System.out.printf("m=%d n=%d k=%d%s: %.1f GFLOP/s, %.2f ms%n", m, n, k, transB ? " (B transposed)" : "", gflops[2],
        flops / gflops[2] / 1e6);
  }

  private static float[] random(Random random, int size) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) values[i] = random.nextFloat() * 2 - 1;
    return values;
  }
}
