package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gathered products (one operand's rows read through a table of row starts, as a stride-1
 * convolution reads shifted slices of its padded input) against a double-precision reference
 * and against the plain kernel, on the odd sizes of the issue in every dimension.
 */
class GemmGatherTest {

  private static final GemmKernel SCALAR = new ScalarGemm();
  private static final GemmKernel VECTOR = new VectorGemm();

  static Stream<Arguments> shapes() {
    int[] sizes = {1, 3, 7, 33, 257};
    List<Arguments> shapes = new ArrayList<>();
    for (int m : sizes) for (int n : sizes) for (int k : sizes) shapes.add(Arguments.of(m, n, k));
    // packed B from m >= 129, several k blocks (KC = 128) and column blocks (NC = 2048)
    shapes.add(Arguments.of(130, 2100, 300));
    shapes.add(Arguments.of(16, 1088, 144));
    // gathered A times B^T in dot tiles (4 rows by 4 columns, vectors along k, lanes summed in one
    // tree, the last rows and columns repeated, k past the last whole vector): a 6-filter and a
    // 16-filter layer's dw summed transposed, and the least depth for each width
    shapes.add(Arguments.of(25, 6, 784));
    shapes.add(Arguments.of(27, 16, 1090));
    shapes.add(Arguments.of(5, 8, 128));
    shapes.add(Arguments.of(9, 13, 1024));
    return shapes.stream();
  }

  /**
   * Row starts that overlap and go backwards, as the taps of a convolution do: row r starts at
   * {@code (r * 7919) % spread}, so rows share memory and are in no order.
   */
  private static int[] rowTable(int offset, int rows, int spread) {
    int[] table = new int[offset + rows];
    for (int r = 0; r < rows; r++) table[offset + r] = (int) ((r * 7919L) % spread);
    return table;
  }

  private static float[] random(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = random.nextFloat() * 2 - 1;
    return v;
  }

  @ParameterizedTest(name = "m={0} n={1} k={2}")
  @MethodSource("shapes")
  void gatheredBMatchesReference(int m, int n, int k) {
    Random random = new Random(31L * m + 7L * n + k);
    int lda = k + 2, ldc = n + 1, spread = 3 * n + 5;
    float[] a = random(random, 1 + m * lda), b = random(random, spread + n), c0 = random(random, 2 + m * ldc);
    int[] rows = rowTable(3, k, spread);
    boolean accumulate = (m + n + k) % 2 == 0;
    double[] expected = new double[c0.length];
    for (int x = 0; x < c0.length; x++) expected[x] = c0[x];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = accumulate ? c0[2 + i * ldc + j] : 0;
        for (int p = 0; p < k; p++) sum += (double) a[1 + i * lda + p] * b[rows[3 + p] + j];
        expected[2 + i * ldc + j] = sum;
      }
    }
    for (GemmKernel kernel : new GemmKernel[] {SCALAR, VECTOR}) {
      float[] c = c0.clone();
      kernel.multiplyGatherB(m, n, k, a, 1, lda, b, rows, 3, c, 2, ldc, accumulate);
      GemmTest.assertClose(kernel.getClass().getSimpleName(), c, expected, 1e-5 * Math.max(1, Math.sqrt(k)));
    }
    float[] c = c0.clone();
    Gemm.sgemmGatherB(m, n, k, a, 1, lda, b, rows, 3, c, 2, ldc, accumulate);
    GemmTest.assertClose("Gemm.sgemmGatherB", c, expected, 1e-5 * Math.max(1, Math.sqrt(k)));
  }

  @ParameterizedTest(name = "m={0} n={1} k={2}")
  @MethodSource("shapes")
  void gatheredAMatchesReference(int m, int n, int k) {
    Random random = new Random(17L * m + 5L * n + k);
    int ldb = k + 3, ldc = n + 2, spread = 2 * k + 9;
    float[] a = random(random, spread + k), b = random(random, 4 + n * ldb), c0 = random(random, 1 + m * ldc);
    int[] rows = rowTable(2, m, spread);
    boolean accumulate = (m + n + k) % 2 == 1;
    double[] expected = new double[c0.length];
    for (int x = 0; x < c0.length; x++) expected[x] = c0[x];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = accumulate ? c0[1 + i * ldc + j] : 0;
        for (int p = 0; p < k; p++) sum += (double) a[rows[2 + i] + p] * b[4 + j * ldb + p];
        expected[1 + i * ldc + j] = sum;
      }
    }
    for (GemmKernel kernel : new GemmKernel[] {SCALAR, VECTOR}) {
      float[] c = c0.clone();
      kernel.multiplyGatherA(m, n, k, a, rows, 2, b, 4, ldb, c, 1, ldc, accumulate);
      GemmTest.assertClose(kernel.getClass().getSimpleName(), c, expected, 1e-5 * Math.max(1, Math.sqrt(k)));
    }
    float[] c = c0.clone();
    Gemm.sgemmGatherA(m, n, k, a, rows, 2, b, 4, ldb, c, 1, ldc, accumulate);
    GemmTest.assertClose("Gemm.sgemmGatherA", c, expected, 1e-5 * Math.max(1, Math.sqrt(k)));
  }

  /**
   * A narrow, deep gathered product (dot tiles, 4 rows a tile) started at row 3 gives rows 3.. the
   * bits of the whole: an entry's sum does not depend on where its tile starts, so a convolution
   * that cuts dw's rows among threads gets the same bits on any number of them.
   */
  @Test
  void dotTilesRoundEachEntryAsTheWholeProductDoes() {
    Random random = new Random(5);
    int m = 13, n = 7, k = 300, spread = 2 * k + 9;
    float[] a = random(random, spread + k), b = random(random, n * k);
    int[] rows = rowTable(0, m, spread);
    float[] whole = new float[m * n], part = new float[m * n];
    VECTOR.multiplyGatherA(m, n, k, a, rows, 0, b, 0, k, whole, 0, n, false);
    VECTOR.multiplyGatherA(m - 3, n, k, a, rows, 3, b, 0, k, part, 3 * n, n, false);
    for (int x = 3 * n; x < m * n; x++) {
      assertThat(part[x]).as("row %d, column %d", x / n, x % n).isEqualTo(whole[x]);
    }
  }

  @Test
  void dotTilesAllocateNothingOnceWarmedUp() {
    Random random = new Random(6);
    int m = 13, n = 7, k = 300, spread = 2 * k + 9;
    float[] a = random(random, spread + k), b = random(random, n * k), c = new float[m * n];
    int[] rows = rowTable(0, m, spread);
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 10 && allocated > 0; round++) {
      for (int call = 0; call < 500; call++) Gemm.sgemmGatherA(m, n, k, a, rows, 0, b, 0, k, c, 0, n, true);
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int call = 0; call < 100; call++) Gemm.sgemmGatherA(m, n, k, a, rows, 0, b, 0, k, c, 0, n, true);
      allocated = threads.getCurrentThreadAllocatedBytes() - before;
    }
    assertThat(allocated).as("bytes allocated by 100 warmed-up calls").isLessThan(1024);
  }

  @Test
  void aRowOutsideItsArrayIsNamed() {
    float[] b = new float[10];
    assertThatThrownBy(() -> Gemm.sgemmGatherB(1, 4, 2, new float[2], 0, 2, b, new int[] {0, 7}, 0, new float[4], 0, 4, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 1 of b starts at 7 and needs 4 floats, but b has length 10");
    assertThatThrownBy(() -> Gemm.sgemmGatherA(3, 1, 2, new float[4], new int[] {0, 1}, 0, new float[2], 0, 2, new float[3], 0, 1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("aRows holds 2 row starts; 3 rows from aRowsOff=0 need length >= 3");
  }
}
