package dev.hubel.kernel;

/**
 * One implementation of the single-precision matrix product behind {@link Gemm#sgemm}. Callers
 * have already validated every argument and guarantee {@code m, n, k >= 1}; an implementation
 * may therefore index freely inside the described matrices and never checks anything itself.
 */
interface GemmKernel {

  /** C = op(A) * op(B), or C += op(A) * op(B) when {@code accumulate}; see {@link Gemm#sgemm}. */
  void multiply(boolean transA, boolean transB, int m, int n, int k,
                float[] a, int aOff, int lda,
                float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

  /**
   * As {@link #multiply}, then each entry of C finished by the epilogue as it is stored for the
   * last time. This default finishes C in a pass of its own, which gives the same bits.
   */
  default void multiply(boolean transA, boolean transB, int m, int n, int k,
                        float[] a, int aOff, int lda,
                        float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
    multiply(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    epilogue.applyTo(c, cOff, ldc, m, n);
  }

  /**
   * C = A * B (or +=), where A is m x k row-major and B (k x n) is gathered: row p of B is
   * {@code b[bRows[bRowsOff + p]] .. + n}. A stride-1 convolution reads its input this way, each row
   * of B a shifted slice of the zero-padded image, with no lowered copy (see {@link ImplicitConv}).
   */
  void multiplyGatherB(int m, int n, int k, float[] a, int aOff, int lda,
                       float[] b, int[] bRows, int bRowsOff,
                       float[] c, int cOff, int ldc, boolean accumulate);

  /**
   * C = A * B^T (or +=), where A (m x k) is gathered, row i of A being {@code a[aRows[aRowsOff + i]] .. + k},
   * and B is stored n x k row-major: a stride-1 convolution's weight gradient, summed transposed.
   */
  void multiplyGatherA(int m, int n, int k, float[] a, int[] aRows, int aRowsOff,
                       float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate);

  /** The width of the vectors it computes with, in bits; 0 for plain Java. */
  default int vectorBits() {
    return 0;
  }
}
