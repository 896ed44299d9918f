package dev.hubel.kernel;

/**
 * What a product does to each entry of C as it stores the entry for the last time, row by row:
 * adds the row's bias, then normalises it as a batch norm in inference does
 * ({@code (v - mean) * scale + shift}), then adds the entry of a residual array at the same index
 * as C's, then clamps it at zero; each step optional. A convolution's output row is one filter, so
 * this is its bias, the batch norm after it, a residual block's shortcut and the ReLU after that,
 * applied while the register tile is at hand instead of in passes of their own over an output
 * that has left the cache.
 *
 * <p>The arithmetic is that of the steps apart ({@link Elementwise#biasRelu},
 * {@link Elementwise#normalize}, {@link Elementwise#addRelu}), in their order and with their
 * roundings (no fused multiply-add), so the bits are the same as a product followed by those
 * passes.
 *
 * <p>Mutable, so that a compiled step sets one up per pass without allocating; not for use by two
 * products at once.
 */
public final class Epilogue {
  float[] bias, mean, scale, shift;  // per row from first; null where that step is off (mean, scale, shift together)
  float[] residual;                  // entry for entry with C (the same index), or null
  boolean relu;
  int first;

  /**
   * Sets what the next products do. Row r of C takes entry {@code first + r} of each array.
   *
   * @param bias added first, or null
   * @param mean with scale and shift, the norm after the bias; all three or none null
   * @param relu whether the result is clamped at zero last
   * @return this
   */
  public Epilogue set(int first, float[] bias, float[] mean, float[] scale, float[] shift, boolean relu) {
    return set(first, bias, mean, scale, shift, null, relu);
  }

  /**
   * {@link #set(int, float[], float[], float[], float[], boolean)}, with a residual added after the
   * norm: entry {@code c[x]} of C gains {@code residual[x]}, the same index.
   *
   * @param residual as long as C's array at least, or null
   */
  public Epilogue set(int first, float[] bias, float[] mean, float[] scale, float[] shift, float[] residual,
                      boolean relu) {
    if ((mean == null) != (scale == null) || (mean == null) != (shift == null)) {
      throw new IllegalArgumentException("mean, scale and shift must be given together (a norm), or none of them");
    }
    this.first = first;
    this.bias = bias;
    this.mean = mean;
    this.scale = scale;
    this.shift = shift;
    this.residual = residual;
    this.relu = relu;
    return this;
  }

  /** Whether it leaves every entry as the product made it. */
  public boolean isIdentity() {
    return bias == null && mean == null && residual == null && !relu;
  }

  /** Entry v of row r, at index at of C's array, finished. */
  float apply(int row, int at, float v) {
    int f = first + row;
    if (bias != null) v += bias[f];
    if (mean != null) v = (v - mean[f]) * scale[f] + shift[f];
    if (residual != null) v += residual[at];
    return relu ? Math.max(0f, v) : v;
  }

  /** Entry v of row r, its bias already added: the norm, then the ReLU (no residual). */
  float finishBiased(int row, float v) {
    int f = first + row;
    if (mean != null) v = (v - mean[f]) * scale[f] + shift[f];
    return relu ? Math.max(0f, v) : v;
  }

  /** Applies it in place to C (m x n, rows ldc apart from cOff): for the kernels that finish C first. */
  void applyTo(float[] c, int cOff, int ldc, int m, int n) {
    for (int r = 0; r < m; r++) {
      for (int j = cOff + r * ldc, end = j + n; j < end; j++) c[j] = apply(r, j, c[j]);
    }
  }
}
