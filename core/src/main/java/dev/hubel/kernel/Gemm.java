package dev.hubel.kernel;

/** TEMPORARY scalar SGEMM until the Vector API kernel lands (same signature). */
public final class Gemm {
  private Gemm() {}

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
      for (int p = 0; p < k; p++) {
        float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        if (av == 0f) continue;
        if (!transB) {
          int bi = bOff + p * ldb;
          for (int j = 0; j < n; j++) c[ci + j] += av * b[bi + j];
        } else {
          for (int j = 0; j < n; j++) c[ci + j] += av * b[bOff + j * ldb + p];
        }
      }
    }
  }
}
