package dev.hubel.kernel;

import java.util.Arrays;

/**
 * Single-precision matrix product on row-major float arrays: the one entry point that every
 * convolution and dense layer goes through. Arguments are checked here, in O(1), before any
 * memory is touched; the kernel behind it ({@link Kernels}) trusts them.
 *
 * <p>Single-threaded: callers parallelise over the batch and may call {@link #sgemm} from many
 * threads at once. Once warmed up a call allocates nothing.
 */
public final class Gemm {

  private Gemm() {}

  /** C[m x n] = op(A)[m x k] * op(B)[k x n]  (+ C when accumulate). Row-major, with leading dimensions.
   *  op(A) is A, or A transposed when transA (then A is stored k x m with leading dim lda). Same for B.
   *  C must not share memory with A or B.
   *
   *  @throws IllegalArgumentException naming the argument when a size is negative, an array is
   *      null, or an offset or leading dimension would reach outside its array */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
    requireProduct(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (nothingToMultiply(m, n, k, c, cOff, ldc, accumulate)) return;
    Kernels.GEMM.multiply(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb,
        c, cOff, ldc, accumulate);
  }

  /**
   * As {@link #sgemm}, with each entry of C then finished by {@code epilogue} (row r of C being
   * its row r): a convolution's bias, batch norm and ReLU, applied as the product stores C, while
   * it is in cache, with the bits of the passes apart.
   *
   * @throws IllegalArgumentException as {@link #sgemm}, and when epilogue is null, its per-row
   *     arrays are shorter than its first row plus m, or its residual shorter than C's extent
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
    if (epilogue == null) throw new IllegalArgumentException("epilogue must not be null (use the overload without one)");
    if (epilogue.isIdentity()) {
      sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
      return;
    }
    requireProduct(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    requirePerRow("bias", epilogue.bias, epilogue.first, m);
    requirePerRow("mean", epilogue.mean, epilogue.first, m);
    requirePerRow("scale", epilogue.scale, epilogue.first, m);
    requirePerRow("shift", epilogue.shift, epilogue.first, m);
    if (epilogue.residual != null && m > 0 && n > 0 && cOff + (long) (m - 1) * ldc + n > epilogue.residual.length) {
      throw new IllegalArgumentException("the epilogue's residual holds " + epilogue.residual.length
          + " values; it is read at C's indices, up to " + (cOff + (long) (m - 1) * ldc + n - 1));
    }
    if (m == 0 || n == 0) return;
    if (k == 0) {
      nothingToMultiply(m, n, k, c, cOff, ldc, accumulate);
      epilogue.applyTo(c, cOff, ldc, m, n);
      return;
    }
    Kernels.GEMM.multiply(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, epilogue);
  }

  /** The checks of {@link #sgemm}'s sizes and matrices, in O(1), before any memory is touched. */
  private static void requireProduct(boolean transA, boolean transB, int m, int n, int k,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float[] c, int cOff, int ldc) {
    requireNonNegative("m", m);
    requireNonNegative("n", n);
    requireNonNegative("k", k);
    // A is stored k x m when transposed, m x k otherwise; likewise B is n x k or k x n.
    requireMatrix("a", a, aOff, "lda", lda, transA ? k : m, transA ? m : k);
    requireMatrix("b", b, bOff, "ldb", ldb, transB ? n : k, transB ? k : n);
    requireMatrix("c", c, cOff, "ldc", ldc, m, n);
  }

  private static void requirePerRow(String name, float[] values, int first, int rows) {
    if (values == null) return;
    if (first < 0 || first + (long) rows > values.length) {
      throw new IllegalArgumentException("the epilogue's " + name + " holds " + values.length + " values; rows "
          + first + ".." + (first + rows - 1) + " of C need length >= " + (first + (long) rows));
    }
  }

  /**
   * C[m x n] (+)= A[m x k] * B[k x n], with B gathered: row p of B is the n floats from
   * {@code b[bRows[bRowsOff + p]]}. A stride-1 convolution multiplies its weights by shifted slices
   * of the zero-padded image this way, without writing the lowered matrix ({@link ImplicitConv}).
   *
   * @throws IllegalArgumentException as {@link #sgemm}, and when a row of B would reach outside b
   */
  public static void sgemmGatherB(int m, int n, int k, float[] a, int aOff, int lda,
                                  float[] b, int[] bRows, int bRowsOff,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
    requireNonNegative("m", m);
    requireNonNegative("n", n);
    requireNonNegative("k", k);
    requireMatrix("a", a, aOff, "lda", lda, m, k);
    requireRows("b", b, bRows, bRowsOff, k, n);
    requireMatrix("c", c, cOff, "ldc", ldc, m, n);
    if (nothingToMultiply(m, n, k, c, cOff, ldc, accumulate)) return;
    Kernels.GEMM.multiplyGatherB(m, n, k, a, aOff, lda, b, bRows, bRowsOff, c, cOff, ldc, accumulate);
  }

  /**
   * C[m x n] (+)= A[m x k] * B^T, with A gathered (row i of A is the k floats from
   * {@code a[aRows[aRowsOff + i]]}) and B stored n x k: a stride-1 convolution's weight gradient.
   * n and k choose how an entry is summed (a few columns over a long k as dot products along k):
   * cut C by rows, never by columns, to get the bits of the whole product in every piece.
   *
   * @throws IllegalArgumentException as {@link #sgemm}, and when a row of A would reach outside a
   */
  public static void sgemmGatherA(int m, int n, int k, float[] a, int[] aRows, int aRowsOff,
                                  float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
    requireNonNegative("m", m);
    requireNonNegative("n", n);
    requireNonNegative("k", k);
    requireRows("a", a, aRows, aRowsOff, m, k);
    requireMatrix("b", b, bOff, "ldb", ldb, n, k);
    requireMatrix("c", c, cOff, "ldc", ldc, m, n);
    if (nothingToMultiply(m, n, k, c, cOff, ldc, accumulate)) return;
    Kernels.GEMM.multiplyGatherA(m, n, k, a, aRows, aRowsOff, b, bOff, ldb, c, cOff, ldc, accumulate);
  }

  /** Checks that {@code rows} rows of {@code cols} floats, starting where the table says, lie inside the array. */
  private static void requireRows(String name, float[] array, int[] table, int tableOff, int rows, int cols) {
    if (array == null) throw new IllegalArgumentException(name + " must not be null");
    if (table == null) throw new IllegalArgumentException(name + "Rows must not be null");
    if (tableOff < 0 || tableOff + (long) rows > table.length) {
      throw new IllegalArgumentException(name + "Rows holds " + table.length + " row starts; " + rows
          + " rows from " + name + "RowsOff=" + tableOff + " need length >= " + (tableOff + (long) rows));
    }
    if (cols == 0) return;
    for (int r = 0; r < rows; r++) {
      int start = table[tableOff + r];
      if (start < 0 || start + (long) cols > array.length) {
        throw new IllegalArgumentException("row " + r + " of " + name + " starts at " + start + " and needs "
            + cols + " floats, but " + name + " has length " + array.length);
      }
    }
  }

  /** Handles an empty product (C untouched, or cleared when k = 0 and not accumulating); true if it was one. */
  private static boolean nothingToMultiply(int m, int n, int k, float[] c, int cOff, int ldc, boolean accumulate) {
    if (m == 0 || n == 0) return true;
    if (k != 0) return false;
    if (!accumulate) {
      for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
    }
    return true;
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, received " + value);
    }
  }

  /** Checks that a rows x cols matrix stored from {@code off} with leading dim {@code ld} fits. */
  private static void requireMatrix(String name, float[] array, int off, String ldName, int ld,
                                    int rows, int cols) {
    if (array == null) throw new IllegalArgumentException(name + " must not be null");
    if (off < 0 || off > array.length) {
      throw new IllegalArgumentException(name + "Off must be in [0, " + array.length
          + "] (the length of " + name + "), received " + off);
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(ldName + " must be >= " + Math.max(1, cols)
          + " (the row length of " + name + " as stored), received " + ld);
    }
    if (rows == 0 || cols == 0) return;
    long needed = off + (long) (rows - 1) * ld + cols;
    if (needed > array.length) {
      throw new IllegalArgumentException(name + " is too short for a " + rows + " x " + cols
          + " matrix at " + name + "Off=" + off + " with " + ldName + "=" + ld + ": needs length >= "
          + needed + ", received " + array.length);
    }
  }
}
