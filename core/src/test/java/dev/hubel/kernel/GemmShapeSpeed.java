package dev.hubel.kernel;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times {@link Gemm#sgemm} (no transposes) on the calling thread for a few product shapes, in
 * GFLOP/s, median of 7 rounds after a second of warm-up. Not a test: run by hand, pinned to a core, e.g.
 * <pre>
 *   taskset -c 1 java --add-modules=jdk.incubator.vector \
 *     -cp core/target/classes:core/target/test-classes dev.hubel.kernel.GemmShapeSpeed [m,n,k ...]
 * </pre>
 * It measured BENCHMARKS' table of {@link VectorGemm#KC}: build with each value and run the two
 * builds one after the other on the same core, more than once (the host drifts).
 */
public final class GemmShapeSpeed {

  /** Convolution shapes (B read in place below 129 rows, packed from there) and a square one. */
  private static final int[][] SHAPES = {
      {64, 3136, 256}, {128, 784, 512}, {126, 3136, 576}, {128, 203, 1152},
      {256, 196, 1024}, {1024, 1024, 1024}, {2048, 49, 512},
  };

  public static void main(String[] args) {
    int[][] shapes = args.length == 0 ? SHAPES
        : Arrays.stream(args).map(a -> Arrays.stream(a.split(",")).mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
    for (int[] shape : shapes) {
      int m = shape[0], n = shape[1], k = shape[2];
      float[] a = random(m * k), b = random(k * n), c = new float[m * n];
      int calls = (int) Math.max(2, 1e9 / (2.0 * m * n * k));
      double[] rates = new double[7];
      // a second of warm-up first: C2 compiles the tile loops for this shape's edges only after
      // thousands of tiles, and a round of 1 GFLOP is a few milliseconds
      for (long until = System.nanoTime() + 1_000_000_000L; System.nanoTime() < until; ) {
        Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
      }
      for (int round = 0; round < rates.length; round++) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        rates[round] = 2.0 * m * n * k * calls / (System.nanoTime() - start);
      }
      Arrays.sort(rates);
      System.out.printf(Locale.ROOT, "%5d x %5d x %5d  %6.1f GFLOP/s (KC %d)%n", m, n, k, rates[3], VectorGemm.KC);
    }
  }

  private static float[] random(int size) {
    SplittableRandom random = new SplittableRandom(1);
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) random.nextDouble(-0.5, 0.5);
    return v;
  }
}
