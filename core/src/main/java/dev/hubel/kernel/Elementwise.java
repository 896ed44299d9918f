package dev.hubel.kernel;

/** Loops over plain arrays that every op needs: activations, biases, the optimiser update. */
public final class Elementwise {
  private Elementwise() {}

  /** y = max(0, x) */
  public static void reluForward(float[] x, float[] y, int from, int to) {
    for (int i = from; i < to; i++) y[i] = Math.max(0f, x[i]);
  }

  /** dx += dy where y > 0 (the subgradient at 0 is 0, as in PyTorch). */
  public static void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
    Kernels.ELEMENTWISE.reluBackward(y, dy, dx, from, to, true);
  }

  /** dx = dy where y > 0, else 0: {@link #reluBackward} into a gradient nothing else has written yet. */
  public static void reluBackwardInto(float[] y, float[] dy, float[] dx, int from, int to) {
    Kernels.ELEMENTWISE.reluBackward(y, dy, dx, from, to, false);
  }

  /** y[i, j] += bias[i] for a block of rows of length {@code len} (one row per channel). */
  public static void addBiasPerRow(float[] y, int yOff, int rows, int len, float[] bias) {
    for (int r = 0; r < rows; r++) {
      float b = bias[r];
      int base = yOff + r * len;
      for (int j = 0; j < len; j++) y[base + j] += b;
    }
  }

  /** y[n, j] += bias[j] for n rows of length bias.length (a fully connected layer's output). */
  public static void addBiasPerColumn(float[] y, int rows, float[] bias) {
    int len = bias.length;
    for (int r = 0; r < rows; r++) {
      int base = r * len;
      for (int j = 0; j < len; j++) y[base + j] += bias[j];
    }
  }

  /** db[i] += sum_j dy[i, j] over a block of rows. */
  public static void sumRowsInto(float[] dy, int dyOff, int rows, int len, float[] db) {
    for (int r = 0; r < rows; r++) {
      float s = 0f;
      int base = dyOff + r * len;
      for (int j = 0; j < len; j++) s += dy[base + j];
      db[r] += s;
    }
  }

  /** db[j] += sum_n dy[n, j]. */
  public static void sumColumnsInto(float[] dy, int rows, int len, float[] db) {
    for (int r = 0; r < rows; r++) {
      int base = r * len;
      for (int j = 0; j < len; j++) db[j] += dy[base + j];
    }
  }

  /** dst[i] += src[i] */
  public static void addInto(float[] src, int srcOff, float[] dst, int dstOff, int len) {
    for (int i = 0; i < len; i++) dst[dstOff + i] += src[srcOff + i];
  }

  /**
   * SGD with momentum and L2 weight decay, PyTorch's formulation:
   * g = grad + decay * w;  v = momentum * v + g;  w -= lr * v.
   */
  public static void sgdMomentum(float[] w, float[] grad, float[] velocity,
                                 float lr, float momentum, float decay) {
    for (int i = 0; i < w.length; i++) {
      float g = grad[i] + decay * w[i];
      float v = momentum * velocity[i] + g;
      velocity[i] = v;
      w[i] -= lr * v;
    }
  }

  /** y = a + b over [from, to) (a residual connection). */
  public static void add(float[] a, float[] b, float[] y, int from, int to) {
    for (int i = from; i < to; i++) y[i] = a[i] + b[i];
  }

  /** y[yOff + j] = max(0, x[xOff + j] + bias) for j in [0, len): a convolution's bias and its ReLU in one pass. */
  public static void biasRelu(float[] x, int xOff, float[] y, int yOff, int len, float bias) {
    Kernels.ELEMENTWISE.biasRelu(x, xOff, y, yOff, len, bias);
  }

  /** y = (x - mean) * a + beta over [from, from + len), then max(0, y) when relu: batch norm's arithmetic. */
  public static void normalize(float[] x, float[] y, int from, int len, float mean, float a, float beta, boolean relu) {
    Kernels.ELEMENTWISE.normalize(x, y, from, len, mean, a, beta, relu);
  }

  /** y = max(0, a + b): {@link #add} and {@link #reluForward} in one pass, the same bits. */
  public static void addRelu(float[] a, float[] b, float[] y, int from, int to) {
    for (int i = from; i < to; i++) y[i] = Math.max(0f, a[i] + b[i]);
  }
}
