package dev.hubel.kernel;

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
