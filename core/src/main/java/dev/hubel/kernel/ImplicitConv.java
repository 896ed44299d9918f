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
 *
 * <p>At stride s the forward pass splits the padded image into phases ({@link #padPhases}): phase
 * (py, px) of a channel holds the padded pixels at rows py, py + s, ... and columns px, px + s,
 * ..., in planes of width {@code Wq = ceil(Wp / s)}. Output (oy, ox) reads padded pixel
 * (oy*s + ky, ox*s + kx), which is pixel (oy + ky/s, ox + kx/s) of phase (ky%s, kx%s), so row
 * (c, ky, kx) of the lowering is again one slice of one plane, from {@code (ky/s)*Wq + kx/s}, and
 * the grid is Ho x Wq. The phases hold each input pixel once, where the lowering of a 3x3 filter
 * at stride 2 holds it about 2.25 times, and the product reads them as it reads a stride-1 slab.
 * Only the forward pass goes this way; a strided layer's backward pass is lowered.
 */
public final class ImplicitConv {
  private ImplicitConv() {}

  /** The floats one padded plane of {@code rows} rows takes, slack included. */
  public static int planeSize(int rows, int wp, int fw) {
    return phasePlaneSize(rows, wp, fw, 1);
  }

  /** Row starts for row (c, ky, kx) = c*Fh*Fw + ky*Fw + kx of the lowering: {@code c*plane + ky*Wp + kx}. */
  public static int[] rowStarts(int channels, int fh, int fw, int plane, int wp) {
    return rowStarts(channels, fh, fw, 1, plane, wp);
  }

  /** Phases along an axis that a filter of side f at stride s reads: min(s, f) (1 at stride 1). */
  public static int phases(int stride, int f) {
    return Math.min(stride, f);
  }

  /** Width of a phase plane, and of the grid, at stride s: ceil(Wp / s) (Wp at stride 1). */
  public static int phaseWidth(int wp, int stride) {
    return (wp + stride - 1) / stride;
  }

  /** Rows of each phase plane that {@code rowsOut} output rows read: rowsOut + (Fh - 1) / s. */
  public static int phaseRows(int rowsOut, int fh, int stride) {
    return rowsOut + (fh - 1) / stride;
  }

  /** The floats one phase plane of {@code rows} rows of width wq takes, slack of (Fw - 1) / s included. */
  public static int phasePlaneSize(int rows, int wq, int fw, int stride) {
    return rows * wq + (fw - 1) / stride;
  }

  /**
   * Row starts at stride s: row (c, ky, kx) of the lowering is phase (ky%s, kx%s) of channel c,
   * from {@code (ky/s)*wq + kx/s}. Each channel holds {@code phases(s, fh) * phases(s, fw)}
   * planes of {@code phasePlane} floats, phase (py, px) the {@code py*phases(s, fw) + px}th.
   */
  public static int[] rowStarts(int channels, int fh, int fw, int stride, int phasePlane, int wq) {
    int nx = phases(stride, fw), channel = phases(stride, fh) * nx * phasePlane;
    int[] rows = new int[channels * fh * fw];
    int r = 0;
    for (int c = 0; c < channels; c++) {
      for (int ky = 0; ky < fh; ky++) {
        for (int kx = 0; kx < fw; kx++) {
          int phase = (ky % stride) * nx + kx % stride;
          rows[r++] = c * channel + phase * phasePlane + ky / stride * wq + kx / stride;
        }
      }
    }
    return rows;
  }

  /**
   * The phases that output rows {@code oy0 ..} read, {@link #phaseRows} rows of each, of {@code c}
   * channels of x (h x w, padded by padH and padW): phase (py, px) of channel ci goes to
   * {@code dstOff + (ci * ny*nx + py*nx + px) * phasePlane}, its row r being padded row
   * {@code (oy0 + r)*s + py}, its column j padded column {@code j*s + px}, then slack zeros. At
   * stride 1 this is {@link #padRows}.
   */
  public static void padPhases(float[] x, int xOff, int c, int h, int w, int padH, int padW, int fh, int fw,
                               int stride, int oy0, int rowsOut, float[] dst, int dstOff, int phasePlane) {
    int rows = phaseRows(rowsOut, fh, stride);
    if (stride == 1) {
      padRows(x, xOff, c, h, w, padH, padW, fw, oy0, rows, dst, dstOff, phasePlane);
      return;
    }
    int ny = phases(stride, fh), nx = phases(stride, fw), wq = phaseWidth(w + 2 * padW, stride);
    int slack = (fw - 1) / stride;
    for (int ci = 0; ci < c; ci++) {
      int src = xOff + ci * h * w;
      for (int py = 0; py < ny; py++) {
        for (int px = 0; px < nx; px++) {
          int to = dstOff + (ci * ny * nx + py * nx + px) * phasePlane;
          // the phase columns j whose input column j*s + px - padW lies in [0, w)
          int j0 = Math.min(wq, Math.max(0, (padW - px + stride - 1) / stride));
          int j1 = Math.max(j0, Math.min(wq, Math.floorDiv(w - 1 + padW - px, stride) + 1));
          for (int r = 0; r < rows; r++, to += wq) {
            int iy = (oy0 + r) * stride + py - padH;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(dst, to, to + wq, 0f);
              continue;
            }
            java.util.Arrays.fill(dst, to, to + j0, 0f);
            for (int j = j0, ix = src + iy * w + j0 * stride + px - padW; j < j1; j++, ix += stride) dst[to + j] = x[ix];
            java.util.Arrays.fill(dst, to + j1, to + wq, 0f);
          }
          java.util.Arrays.fill(dst, to, to + slack, 0f);
        }
      }
    }
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
