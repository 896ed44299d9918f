package dev.hubel.kernel;

/**
 * The plain reference product: the fallback when the Vector API is absent, and the oracle the
 * fast kernel is tested against.
 *
 * <p>Loop order i-k-j: for each row i of C, add A(i,p) times row p of B, so that the innermost
 * loop walks a row of B and a row of C contiguously (when B is not transposed), which the JIT
 * auto-vectorises. No blocking: it is meant to be obviously correct, not fast.
 */
final class ScalarGemm implements GemmKernel {

  @Override
  public void multiply(boolean transA, boolean transB, int m, int n, int k,
                       float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc;
      if (!accumulate) java.util.Arrays.fill(c, cRow, cRow + n, 0f);
      for (int p = 0; p < k; p++) {
        float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        if (transB) {
          for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bOff + j * ldb + p];
        } else {
          int bRow = bOff + p * ldb;
          for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
        }
      }
    }
  }

  @Override
  public void multiplyGatherB(int m, int n, int k, float[] a, int aOff, int lda,
                              float[] b, int[] bRows, int bRowsOff,
                              float[] c, int cOff, int ldc, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc;
      if (!accumulate) java.util.Arrays.fill(c, cRow, cRow + n, 0f);
      for (int p = 0; p < k; p++) {
        float aip = a[aOff + i * lda + p];
        int bRow = bRows[bRowsOff + p];
        for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
      }
    }
  }

  @Override
  public void multiplyGatherA(int m, int n, int k, float[] a, int[] aRows, int aRowsOff,
                              float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc, aRow = aRows[aRowsOff + i];
      if (!accumulate) java.util.Arrays.fill(c, cRow, cRow + n, 0f);
      for (int p = 0; p < k; p++) {
        float aip = a[aRow + p];
        for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bOff + j * ldb + p];
      }
    }
  }
}
