package dev.hubel.kernel;

/**
 * The data movement of a stride-1 convolution done as an implicit GEMM: no lowered matrix.
 *
 * <p>Pad the image with zeros into planes of width {@code Wp = W + 2*padW}, and compute the
 * output on a grid of the same width (each output row gains {@code Wp - Wo} columns that are
 * computed and thrown away). Then the row (c, ky, kx) of the lowered matrix is simply the padded
 * plane of channel c read from offset {@code ky*Wp + kx}: a table of row starts
 * ({@link #rowStarts}) lets {@link Gemm#sgemmGatherB} read the product's B straight from the
 * padded image. The lowering wrote each input pixel Fh*Fw times and the product read it back;
 * with 16 to 64 filters that copy cost about as much as the product itself.
 *
 * <pre>
 *   padded plane (one channel): rows x Wp floats, then Fw - 1 zeros of slack
 *   grid (one output channel):  Ho x Wp floats; column ox < Wo of row oy is y[oy, ox]
 * </pre>
 *
 * The backward pass uses the same trick twice: dx is the convolution of dy, padded by
 * {@code Fh-1-pad}, with the weights flipped and transposed ({@link #flipTranspose}); dw sums
 * each row of the padded input against dy laid out on the grid, zero on the thrown-away columns
 * ({@link #imageToGrid}), with {@link Gemm#sgemmGatherA}.
 */
public final class ImplicitConv {
  private ImplicitConv() {}

  /** The floats one padded plane of {@code rows} rows takes, slack included. */
  public static int planeSize(int rows, int wp, int fw) {
    return rows * wp + fw - 1;
  }

  /** Row starts for row (c, ky, kx) = c*Fh*Fw + ky*Fw + kx of the lowering: {@code c*plane + ky*Wp + kx}. */
  public static int[] rowStarts(int channels, int fh, int fw, int plane, int wp) {
    int[] rows = new int[channels * fh * fw];
    int r = 0;
    for (int c = 0; c < channels; c++) {
      for (int ky = 0; ky < fh; ky++) {
        for (int kx = 0; kx < fw; kx++) rows[r++] = c * plane + ky * wp + kx;
      }
    }
    return rows;
  }

  /**
   * Rows {@code r0 .. r0+rows-1} of each of {@code c} zero-padded planes of x (h x w, padded by
   * padH rows and padW columns on each side), into dst at {@code dstOff + ci*plane}, followed by
   * Fw - 1 zeros of slack: padded row R is input row R - padH.
   */
  public static void padRows(float[] x, int xOff, int c, int h, int w, int padH, int padW, int fw,
                             int r0, int rows, float[] dst, int dstOff, int plane) {
    int wp = w + 2 * padW;
    for (int ci = 0; ci < c; ci++) {
      int src = xOff + ci * h * w;
      int to = dstOff + ci * plane;
      for (int r = r0; r < r0 + rows; r++, to += wp) {
        int iy = r - padH;
        if (iy < 0 || iy >= h) {
          for (int t = 0; t < wp; t++) dst[to + t] = 0f;
          continue;
        }
        for (int t = 0; t < padW; t++) dst[to + t] = 0f;
        System.arraycopy(x, src + iy * w, dst, to + padW, w);
        for (int t = padW + w; t < wp; t++) dst[to + t] = 0f;
      }
      for (int t = 0; t < fw - 1; t++) dst[to + t] = 0f;
    }
  }

  /**
   * Copies the kept columns of {@code c} grid channels (each {@code rows} x Wp, {@code gridStride}
   * apart) into images (rows x wo, {@code plane} apart): dst = grid + bias[ch] (bias may be null),
   * or dst += grid when accumulate.
   */
  public static void gridToImage(float[] grid, int gridOff, int gridStride, int c, int rows, int wp, int wo,
                                 float[] dst, int dstOff, int plane, float[] bias, int biasOff, boolean accumulate) {
    gridToImage(grid, gridOff, gridStride, c, rows, wp, wo, dst, dstOff, plane, bias, biasOff, accumulate, false);
  }

  /** {@link #gridToImage}, with dst = max(0, grid + bias[ch]) when relu (and not accumulate). */
  public static void gridToImage(float[] grid, int gridOff, int gridStride, int c, int rows, int wp, int wo,
                                 float[] dst, int dstOff, int plane, float[] bias, int biasOff, boolean accumulate,
                                 boolean relu) {
    for (int ci = 0; ci < c; ci++) {
      int from = gridOff + ci * gridStride, to = dstOff + ci * plane;
      float b = bias == null ? 0f : bias[biasOff + ci];
      for (int r = 0; r < rows; r++, from += wp, to += wo) {
        if (relu && !accumulate) {
          Elementwise.biasRelu(grid, from, dst, to, wo, b);  // + 0f when no bias: max(0, .) gives +0 either way
        } else if (accumulate) {
          for (int t = 0; t < wo; t++) dst[to + t] += grid[from + t];
        } else if (bias == null) {
          System.arraycopy(grid, from, dst, to, wo);
        } else {
          for (int t = 0; t < wo; t++) dst[to + t] = grid[from + t] + b;
        }
      }
    }
  }

  /** {@code c} images (ho x wo, contiguous) onto grids of width Wp (ho x Wp each, contiguous), zero on the added columns. */
  public static void imageToGrid(float[] src, int srcOff, int c, int ho, int wo, int wp, float[] grid, int gridOff) {
    int from = srcOff, to = gridOff;
    for (int r = 0; r < c * ho; r++, from += wo, to += wp) {
      System.arraycopy(src, from, grid, to, wo);
      for (int t = wo; t < wp; t++) grid[to + t] = 0f;
    }
  }

  /**
   * For each group: out[c, (f, ky, kx)] = w[f, c, Fh-1-ky, Fw-1-kx], the weights of the
   * convolution that maps dy back to dx (group g's block starts at {@code g*cg*fg*Fh*Fw}).
   */
  public static void flipTranspose(float[] w, int groups, int fg, int cg, int fh, int fw, float[] out) {
    int taps = fh * fw, k = cg * taps, kOut = fg * taps;
    for (int g = 0; g < groups; g++) {
      for (int f = 0; f < fg; f++) {
        int from = (g * fg + f) * k;
        for (int c = 0; c < cg; c++) {
          int to = g * cg * kOut + c * kOut + f * taps;
          for (int t = 0; t < taps; t++) out[to + taps - 1 - t] = w[from + c * taps + t];
        }
      }
    }
  }
}
