package dev.hubel.kernel;

import java.util.Arrays;
import java.util.Random;

/**
 * Prints single-thread GFLOP/s of {@link Gemm#sgemm} (median of 5 runs after warm-up). Not a test:
 * run it by hand with
 * {@code java --add-modules=jdk.incubator.vector -cp core/target/classes:core/target/test-classes dev.hubel.kernel.GemmSpeed}
 */
public final class GemmSpeed {

  public static void main(String[] args) {
    System.out.println("vectorized: " + Kernels.vectorized());
    measure(1024, 1024, 1024);
    measure(64, 3136, 576);
  }

  private static void measure(int m, int n, int k) {
    Random random = new Random(1);
    float[] a = random(random, m * k);
    float[] b = random(random, k * n);
    float[] c = new float[m * n];
    double flops = 2.0 * m * n * k;
    int warmUps = (int) Math.max(5, 3e10 / flops);
    for (int i = 0; i < warmUps; i++) Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
    double[] gflops = new double[5];
    for (int run = 0; run < gflops.length; run++) {
      long start = System.nanoTime();
      Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
      gflops[run] = flops / (System.nanoTime() - start);
    }
    Arrays.sort(gflops);
    System.out.printf("m=%d n=%d k=%d: %.1f GFLOP/s%n", m, n, k, gflops[2]);
  }

  private static float[] random(Random random, int size) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) values[i] = random.nextFloat() * 2 - 1;
    return values;
  }
}
