package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmTest {

  private static final GemmKernel SCALAR = new ScalarGemm();
  private static final GemmKernel VECTOR = new VectorGemm();

  /** A product laid out in arrays with offsets, padded leading dims and random padding. */
  record Problem(boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc, boolean accumulate) {

    static Problem random(long seed, boolean transA, boolean transB, int m, int n, int k,
                          int offset, int padding, boolean accumulate) {
      Random random = new Random(seed);
      int lda = (transA ? m : k) + padding;
      int ldb = (transB ? k : n) + padding;
      int ldc = n + padding;
      float[] a = randomArray(random, offset + (transA ? k : m) * lda + padding);
      float[] b = randomArray(random, offset + (transB ? n : k) * ldb + padding);
      float[] c = randomArray(random, offset + m * ldc + padding);
      return new Problem(transA, transB, m, n, k, a, offset, lda, b, offset, ldb, c, offset, ldc,
          accumulate);
    }

    float[] run(GemmKernel kernel) {
      float[] out = c.clone();
      kernel.multiply(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, out, cOff, ldc, accumulate);
      return out;
    }

    float[] runPublic() {
      float[] out = c.clone();
      Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, out, cOff, ldc, accumulate);
      return out;
    }

    double opA(int i, int p) {
      return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    double opB(int p, int j) {
      return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    /** The expected C, computed independently in double precision; padding keeps its values. */
    double[] reference() {
      double[] expected = new double[c.length];
      for (int x = 0; x < c.length; x++) expected[x] = c[x];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = accumulate ? c[cOff + i * ldc + j] : 0;
          for (int p = 0; p < k; p++) sum += opA(i, p) * opB(p, j);
          expected[cOff + i * ldc + j] = sum;
        }
      }
      return expected;
    }

    /** Rounding allowance: the inputs lie in [-1, 1], so |A||B| terms are at most 1 each. */
    double tolerance() {
      return 1e-5 * Math.max(1, Math.sqrt(k));
    }
  }

  @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4} offset={5} pad={6} acc={7}")
  @CsvSource({
      // transA, transB, m, n, k, offset, padding, accumulate
      "false, false, 1, 1, 1, 0, 0, false",
      "true,  true,  1, 1, 1, 3, 2, true",
      "false, false, 7, 33, 17, 0, 0, false",
      "true,  false, 7, 33, 17, 5, 3, true",
      "false, true,  7, 33, 17, 1, 7, false",
      "true,  true,  7, 33, 17, 2, 1, true",
      "false, false, 6, 784, 25, 0, 0, false",
      "false, true,  6, 784, 25, 4, 1, true",
      "false, false, 16, 100, 150, 9, 4, true",
      "true,  true,  16, 100, 150, 0, 0, false",
      "false, false, 120, 64, 400, 0, 0, false",
      "true,  false, 120, 64, 400, 3, 5, true",
      "false, false, 64, 3136, 576, 0, 0, false",
      "true,  true,  64, 3136, 576, 1, 1, true",
      // tall and skinny; row blocks (MC) and packed B (m >= 129)
      "false, false, 300, 5, 9, 2, 2, false",
      "true,  false, 200, 70, 30, 0, 3, true",
      "false, false, 1, 200, 70, 0, 1, false",
      "false, true,  200, 1, 3, 7, 0, true",
      "true,  true,  131, 129, 257, 1, 2, false",
      // more columns than one column block (NC), packed and not
      "false, false, 7, 2100, 5, 0, 3, true",
      "false, true,  7, 2100, 5, 0, 3, false",
      "false, false, 13, 4133, 3, 6, 0, false",
      // a dense layer at batch 5..16: dot products of rows, four rows at a time and the rest
      "false, true,  16, 70, 1030, 0, 0, false",
      "false, true,  7, 33, 1024, 3, 2, true",
      // ... computed swapped, C^T = B . A^T, six rows of B at a time, the last few repeated
      "false, true,  12, 5, 2000, 1, 2, true",
      "false, true,  16, 13, 1024, 0, 0, false",
      // up to four rows: dot products over 512-float chunks of k, summed in order
      "false, true,  3, 50, 1500, 0, 1, false",
      "false, true,  1, 7, 1025, 2, 0, true",
  })
  void matchesDoublePrecisionReference(boolean transA, boolean transB, int m, int n, int k,
                                       int offset, int padding, boolean accumulate) {
    Problem problem = Problem.random(31L * m + 17L * n + k, transA, transB, m, n, k, offset,
        padding, accumulate);
    double[] expected = problem.reference();
    float[] scalar = problem.run(SCALAR);
    float[] vector = problem.run(VECTOR);
    float[] viaGemm = problem.runPublic();

    assertClose("ScalarGemm", scalar, expected, problem.tolerance());
    assertClose("VectorGemm", vector, expected, problem.tolerance());
    assertClose("Gemm.sgemm", viaGemm, expected, problem.tolerance());
    double[] scalarAsDouble = new double[scalar.length];
    for (int x = 0; x < scalar.length; x++) scalarAsDouble[x] = scalar[x];
    assertClose("VectorGemm vs ScalarGemm", vector, scalarAsDouble, problem.tolerance());
  }

  /** Every shape from the odd sizes 1, 3, 7, 33, 257 in every dimension, each transposition. */
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> oddShapes() {
    int[] sizes = {1, 3, 7, 33, 257};
    java.util.List<org.junit.jupiter.params.provider.Arguments> shapes = new java.util.ArrayList<>();
    for (int m : sizes) for (int n : sizes) for (int k : sizes) {
      for (int t = 0; t < 4; t++) {
        shapes.add(org.junit.jupiter.params.provider.Arguments.of(t / 2 == 1, t % 2 == 1, m, n, k));
      }
    }
    return shapes.stream();
  }

  @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
  @org.junit.jupiter.params.provider.MethodSource("oddShapes")
  void vectorMatchesScalarOnOddShapes(boolean transA, boolean transB, int m, int n, int k) {
    Problem problem = Problem.random(7L * m + 5L * n + 3L * k, transA, transB, m, n, k, 1, 1, (m + n) % 2 == 0);
    float[] scalar = problem.run(SCALAR);
    double[] scalarAsDouble = new double[scalar.length];
    for (int x = 0; x < scalar.length; x++) scalarAsDouble[x] = scalar[x];
    assertClose("VectorGemm vs ScalarGemm", problem.run(VECTOR), scalarAsDouble, 2 * problem.tolerance());
  }

  /**
   * Every width of the edge after the last full strip, one to four vectors and a partial one,
   * with B read in place (13 rows), packed (130 rows, and transposed) and with accumulation.
   */
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> edgeWidths() {
    java.util.List<org.junit.jupiter.params.provider.Arguments> shapes = new java.util.ArrayList<>();
    for (int n = 1; n <= 80; n++) {
      for (int m : new int[] {13, 130}) {
        shapes.add(org.junit.jupiter.params.provider.Arguments.of(n % 3 == 0, m, n));
      }
    }
    return shapes.stream();
  }

  @ParameterizedTest(name = "transB={0} m={1} n={2}")
  @org.junit.jupiter.params.provider.MethodSource("edgeWidths")
  void everyEdgeWidthMatchesTheReference(boolean transB, int m, int n) {
    Problem problem = Problem.random(11L * m + n, false, transB, m, n, 37, 2, 1, n % 2 == 0);
    assertClose("VectorGemm", problem.run(VECTOR), problem.reference(), problem.tolerance());
  }

  /**
   * A fully connected layer's product at batch 1 (one row of A times B^T) reads B row after row
   * whole, where two or three rows go chunk by chunk over all of B; each entry must come out with
   * the same bits either way, so that a layer's output for an image does not depend on the batch
   * it came in. Depths past one chunk (VectorGemm.DOT_KC), with a tail under a vector, and C added to.
   */
  @ParameterizedTest(name = "k={0} accumulate={1}")
  @CsvSource({"1300, false", "1300, true", "9216, false", "37, true"})
  void oneRowOfADotsAsAmongOthers(int k, boolean accumulate) {
    int n = 45, rows = 3;
    Problem many = Problem.random(k, false, true, rows, n, k, 3, 2, accumulate);
    float[] together = many.run(VECTOR);
    for (int i = 0; i < rows; i++) {
      float[] alone = many.c().clone();
      VECTOR.multiply(false, true, 1, n, k, many.a(), many.aOff() + i * many.lda(), many.lda(), many.b(), many.bOff(),
          many.ldb(), alone, many.cOff() + i * many.ldc(), many.ldc(), accumulate);
      int from = many.cOff() + i * many.ldc();
      assertThat(Arrays.copyOfRange(alone, from, from + n)).as("row %d alone", i)
          .isEqualTo(Arrays.copyOfRange(together, from, from + n));
    }
  }

  static void assertClose(String what, float[] actual, double[] expected, double tolerance) {
    double worst = 0;
    int worstAt = -1;
    for (int x = 0; x < expected.length; x++) {
      double error = Math.abs(actual[x] - expected[x]);
      if (!(error <= worst)) {
        worst = error;
        worstAt = x;
      }
    }
    assertThat(worst)
        .as("%s: worst error at index %d (expected %s, got %s)", what, worstAt,
            worstAt < 0 ? "-" : expected[worstAt], worstAt < 0 ? "-" : actual[worstAt])
        .isLessThanOrEqualTo(tolerance);
  }

  @Test
  void zeroDepthClearsOrKeepsC() {
    float[] c = {1, 2, 3, 4, 5, 6, 99};
    Gemm.sgemm(false, false, 2, 3, 0, new float[0], 0, 1, new float[0], 0, 3, c, 0, 3, true);
    assertThat(c).containsExactly(1, 2, 3, 4, 5, 6, 99);
    Gemm.sgemm(false, false, 2, 3, 0, new float[0], 0, 1, new float[0], 0, 3, c, 0, 3, false);
    assertThat(c).containsExactly(0, 0, 0, 0, 0, 0, 99);
  }

  @Test
  void emptyResultTouchesNothing() {
    float[] c = {7};
    Gemm.sgemm(false, false, 0, 5, 4, new float[0], 0, 4, new float[20], 0, 5, new float[0], 0, 5, false);
    Gemm.sgemm(true, true, 1, 0, 4, new float[4], 0, 1, new float[0], 0, 4, c, 1, 1, false);
    assertThat(c).containsExactly(7);
  }

  /** The arguments of a valid 3 x 4 x 5 call (A 3x5, B 5x4, C 3x4, dense), changed by one row. */
  @ParameterizedTest(name = "{0}={1} names {2}")
  @CsvSource({
      "m,      -1,          m",
      "n,      -1,          n",
      "k,      -1,          k",
      "a,      null,        a must not be null",
      "b,      null,        b must not be null",
      "c,      null,        c must not be null",
      "aOff,   -1,          aOff",
      "aOff,   16,          aOff",
      "aOff,   1,           a is too short",
      "lda,    4,           lda",
      "lda,    2147483647,  a is too short",
      "transA, true,        lda must be >= 3",
      "bOff,   -2,          bOff",
      "bOff,   1,           b is too short",
      "ldb,    3,           ldb",
      "transB, true,        ldb must be >= 5",
      "cOff,   -1,          cOff",
      "cOff,   2,           c is too short",
      "ldc,    0,           ldc",
      "ldc,    5,           c is too short",
  })
  void rejectsBadArgumentsBeforeTouchingMemory(String argument, String value, String message) {
    int m = 3, n = 4, k = 5;
    float[] a = new float[15], b = new float[20], c = new float[12];
    Arrays.fill(c, 42f);
    float[] cBefore = c.clone();
    boolean transA = false, transB = false;
    int aOff = 0, lda = 5, bOff = 0, ldb = 4, cOff = 0, ldc = 4;
    switch (argument) {
      case "m" -> m = Integer.parseInt(value);
      case "n" -> n = Integer.parseInt(value);
      case "k" -> k = Integer.parseInt(value);
      case "a" -> a = null;
      case "b" -> b = null;
      case "c" -> c = null;
      case "aOff" -> aOff = Integer.parseInt(value);
      case "lda" -> lda = Integer.parseInt(value);
      case "transA" -> { // A is then stored k x m = 5 x 3, which needs lda >= 3
        transA = true;
        lda = 2;
      }
      case "bOff" -> bOff = Integer.parseInt(value);
      case "ldb" -> ldb = Integer.parseInt(value);
      case "transB" -> { // B is then stored n x k = 4 x 5, which needs ldb >= 5
        transB = true;
        ldb = 3;
      }
      case "cOff" -> cOff = Integer.parseInt(value);
      case "ldc" -> ldc = Integer.parseInt(value);
      default -> throw new AssertionError(argument);
    }
    float[] finalA = a, finalB = b, finalC = c;
    boolean finalTransA = transA, finalTransB = transB;
    int fm = m, fn = n, fk = k, fAOff = aOff, fLda = lda, fBOff = bOff, fLdb = ldb, fCOff = cOff,
        fLdc = ldc;
    assertThatThrownBy(() -> Gemm.sgemm(finalTransA, finalTransB, fm, fn, fk, finalA, fAOff, fLda,
        finalB, fBOff, fLdb, finalC, fCOff, fLdc, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
    if (c != null) assertThat(c).containsExactly(cBefore);
  }

  @Test
  void vectorApiIsEnabledInTheBuild() {
    assertThat(Kernels.vectorized()).isTrue();
  }

  @Test
  void allocatesNothingOnceWarmedUp() {
    // Row tail (13 = 2*6 + 1), column tail, two k blocks, and both B paths (packed via transB).
    Problem plain = Problem.random(1, false, false, 13, VectorGemm.NR + 21, 300, 1, 2, true);
    Problem transposed = Problem.random(2, true, true, 13, VectorGemm.NR + 21, 300, 1, 2, false);
    float[] c1 = plain.c.clone(), c2 = transposed.c.clone();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 10 && allocated > 0; round++) {
      for (int call = 0; call < 500; call++) { // warm up: let C2 compile the whole call path
        sgemm(plain, c1);
        sgemm(transposed, c2);
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int call = 0; call < 100; call++) {
        sgemm(plain, c1);
        sgemm(transposed, c2);
      }
      allocated = threads.getCurrentThreadAllocatedBytes() - before;
    }
    assertThat(allocated).as("bytes allocated by 200 warmed-up calls").isLessThan(1024);
  }

  private static void sgemm(Problem p, float[] c) {
    Gemm.sgemm(p.transA, p.transB, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
        c, p.cOff, p.ldc, p.accumulate);
  }

  private static float[] randomArray(Random random, int size) {
    float[] values = new float[size];
    for (int x = 0; x < size; x++) values[x] = random.nextFloat() * 2 - 1;
    return values;
  }
}
