package dev.hubel.kernel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Prints single-thread times of the max-pooling and batch-norm kernels on ResNet-50-sized
 * planes (median of 5 runs after warm-up). Not a test: run it by hand with
 * {@code java --add-modules=jdk.incubator.vector -cp core/target/classes:core/target/test-classes dev.hubel.kernel.PoolingAndNormSpeed}
 * (BENCHMARKS.md, 2026-12-02, runs it side by side against an older build's classes).
 */
public final class PoolingAndNormSpeed {

  public static void main(String[] args) {
    SplittableRandom random = new SplittableRandom(1);
    float[] x = new float[64 * 112 * 112], y = new float[64 * 56 * 56];
    for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
    int[] argmax = new int[y.length];
    time("max pool 3x3 stride 2 pad 1, 112x112x64, winners (training)",
        () -> Pooling.maxForward(x, 0, 64, 112, 112, 3, 3, 2, 1, 56, 56, y, 0, argmax));
    time("max pool 3x3 stride 2 pad 1, 112x112x64, maxima only (inference)",
        () -> Pooling.maxForward(x, 0, 64, 112, 112, 3, 3, 2, 1, 56, 56, y, 0, null));
    time("max pool 2x2 stride 2, 112x112x64, winners (training)",
        () -> Pooling.maxForward(x, 0, 64, 112, 112, 2, 2, 2, 0, 56, 56, y, 0, argmax));
    float[] bn = new float[8 * 256 * 196], out = new float[bn.length];
    for (int i = 0; i < bn.length; i++) bn[i] = (float) random.nextGaussian();
    float[] mean = new float[256], var = new float[256];
    time("batch norm, 8 x 256 x 14x14: normalise", () -> {
      for (int c = 0; c < 256; c++) ChannelNorm.normalize(bn, out, 8, 256, 196, c, 0.1f, 1.2f, 0.9f, 0.05f, false);
    });
    time("batch norm, 8 x 256 x 14x14: normalise and ReLU", () -> {
      for (int c = 0; c < 256; c++) ChannelNorm.normalize(bn, out, 8, 256, 196, c, 0.1f, 1.2f, 0.9f, 0.05f, true);
    });
    time("batch norm, 8 x 256 x 14x14: statistics", () -> {
      for (int c = 0; c < 256; c++) ChannelNorm.statistics(bn, 8, 256, 196, c, mean, var);
    });
  }

  private static void time(String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException | LinkageError e) {  // run against an older build's classes
      System.out.printf("%s: not in this build (%s)%n", what, e.getClass().getSimpleName());
      return;
    }
    long warm = System.nanoTime();
    int calls = 0;
    while (System.nanoTime() - warm < 2_000_000_000L) {
      call.run();
      calls++;
    }
    int reps = Math.max(1, (int) (calls / 10));
    double[] ms = new double[5];
    for (int run = 0; run < ms.length; run++) {
      long start = System.nanoTime();
      for (int r = 0; r < reps; r++) call.run();
      ms[run] = (System.nanoTime() - start) / 1e6 / reps;
    }
    Arrays.sort(ms);
    System.out.printf("%s: %.3f ms%n", what, ms[2]);
  }
}
