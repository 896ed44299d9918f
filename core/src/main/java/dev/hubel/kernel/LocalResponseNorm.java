package dev.hubel.kernel;

/**
 * Local response normalisation across channels (Krizhevsky et al. 2012, as PyTorch's
 * LocalResponseNorm computes it), for one image (C planes of HW pixels, NCHW) and a range of its
 * pixels, so that work can be split by pixel as well as by image.
 *
 * <pre>
 *   s_c = k + alpha / size * sum_{c' = c - size/2 .. c + (size-1)/2} x_c'^2      (channels outside 0..C-1 count as 0)
 *   y_c = x_c * s_c^-beta
 * </pre>
 *
 * Loop order: channel, window channel, pixel; the innermost loop streams one plane (forward on
 * the Vector API: channel, then pixels a vector at a time with the window inside).
 */
public final class LocalResponseNorm {
  private LocalResponseNorm() {}

  /**
   * Writes y and the denominators' base s (kept for the backward pass) for pixels p0..p1-1 of the
   * image at {@code off}, with the fastest kernel this JVM has: on the Vector API a channel's
   * window, base and power in one pass over its pixels, the same bits as {@link #forwardPlain}.
   */
  public static void forward(float[] x, float[] y, float[] s, int off, int c, int hw, int p0, int p1,
                             int size, float alpha, float beta, float k) {
    Kernels.ELEMENTWISE.localResponse(x, y, s, off, c, hw, p0, p1, size, alpha, beta, k);
  }

  /** {@link #forward} in plain Java: channel, window channel, pixel, then the base and power per pixel. */
  static void forwardPlain(float[] x, float[] y, float[] s, int off, int c, int hw, int p0, int p1,
                           int size, float alpha, float beta, float k) {
    for (int ch = 0; ch < c; ch++) forwardPlain(x, y, s, off, c, hw, p0, p1, size, alpha, beta, k, ch);
  }

  /** {@link #forwardPlain} for channel ch alone. */
  static void forwardPlain(float[] x, float[] y, float[] s, int off, int c, int hw, int p0, int p1,
                           int size, float alpha, float beta, float k, int ch) {
    int before = size / 2, after = (size - 1) / 2;
    int at = off + ch * hw;
    java.util.Arrays.fill(s, at + p0, at + p1, 0f);
    for (int cc = Math.max(0, ch - before); cc <= Math.min(c - 1, ch + after); cc++) {
      int from = off + cc * hw;
      for (int p = p0; p < p1; p++) s[at + p] += x[from + p] * x[from + p];
    }
    for (int p = p0; p < p1; p++) {
      float base = s[at + p] / size * alpha + k;  // PyTorch's order: mean of squares, times alpha, plus k
      s[at + p] = base;
      y[at + p] = x[at + p] / power(base, beta);
    }
  }

  /**
   * base^beta, rounded to float. AlexNet's beta = 0.75 is sqrt(base * sqrt(base)), computed in
   * double like Math.pow and so rounding to the same float but where the double results straddle
   * a float's rounding boundary; Math.pow per element had made AlexNet's two NORM layers 8% of its
   * inference at batch 16.
   */
  static float power(float base, float beta) {
    if (beta == 0.75f) {
      double b = base;
      return (float) Math.sqrt(b * Math.sqrt(b));
    }
    return (float) Math.pow(base, beta);
  }

  /**
   * dx += dy . dy/dx. Channel j enters its own output (through x_j) and the denominators of the
   * channels c whose window holds it, c = j - (size-1)/2 .. j + size/2:
   * <pre>
   *   dx_j += dy_j * s_j^-beta  -  (2 alpha beta / size) * x_j * sum_c dy_c * y_c / s_c
   * </pre>
   */
  public static void backward(float[] x, float[] y, float[] s, float[] dy, float[] dx, int off, int c, int hw,
                              int p0, int p1, int size, float alpha, float beta) {
    int before = size / 2, after = (size - 1) / 2;
    float coef = 2 * alpha * beta / size;
    for (int j = 0; j < c; j++) {
      int at = off + j * hw;
      int c0 = Math.max(0, j - after), c1 = Math.min(c - 1, j + before);
      for (int p = p0; p < p1; p++) {
        float sum = 0f;
        for (int cc = c0; cc <= c1; cc++) {
          int t = off + cc * hw + p;
          sum += dy[t] * y[t] / s[t];
        }
        dx[at + p] += dy[at + p] / power(s[at + p], beta) - coef * x[at + p] * sum;
      }
    }
  }
}
