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

  /** The width of the vectors it computes with, in bits; 0 for plain Java. */
  default int vectorBits() {
    return 0;
  }
}
