package dev.hubel.kernel;

/**
 * Unrolls the receptive fields of one image into columns so that a convolution becomes one GEMM:
 * row (c, ky, kx) of the column matrix holds, for every output position (oy, ox), the input pixel
 * that filter tap sees there, or 0 where the window hangs over the zero padding.
 *
 * <pre>
 *   x    (C, H, W)                    one image
 *   col  (C*Fh*Fw, Ho*Wo)             row-major
 * </pre>
 *
 * Loop order c, ky, kx, oy, ox: the innermost loop walks one output row, reading the input row
 * at a fixed stride, so both sides stream.
 */
public final class Im2col {
  private Im2col() {}

  public static void im2col(float[] x, int xOff, int c, int h, int w,
                            int fh, int fw, int stride, int padH, int padW, int ho, int wo,
                            float[] col, int colOff) {
    int dst = colOff;
    for (int ci = 0; ci < c; ci++) {
      int plane = xOff + ci * h * w;
      for (int ky = 0; ky < fh; ky++) {
        for (int kx = 0; kx < fw; kx++) {
          for (int oy = 0; oy < ho; oy++) {
            int iy = oy * stride - padH + ky;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(col, dst, dst + wo, 0f);
              dst += wo;
              continue;
            }
            int row = plane + iy * w;
            for (int ox = 0; ox < wo; ox++) {
              int ix = ox * stride - padW + kx;
              col[dst++] = (ix >= 0 && ix < w) ? x[row + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Columns {@code p0 .. p1-1} of {@link #im2col}'s matrix (output positions in row-major order),
   * as a (C*Fh*Fw, p1-p0) matrix: the piece of the lowering that one block of a convolution's
   * product reads, small enough to stay in cache between lowering and product.
   */
  public static void im2colColumns(float[] x, int xOff, int c, int h, int w,
                                   int fh, int fw, int stride, int padH, int padW, int ho, int wo,
                                   int p0, int p1, float[] col, int colOff) {
    int dst = colOff;
    for (int ci = 0; ci < c; ci++) {
      int plane = xOff + ci * h * w;
      for (int ky = 0; ky < fh; ky++) {
        for (int kx = 0; kx < fw; kx++) {
          int oy = p0 / wo, ox = p0 % wo;
          for (int p = p0; p < p1; oy++, ox = 0) {
            int run = Math.min(wo - ox, p1 - p);
            int iy = oy * stride - padH + ky;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(col, dst, dst + run, 0f);
            } else if (stride == 1) {
              // ix = ox + t - padW + kx runs through the row contiguously: zeros, a copy, zeros
              int first = ox - padW + kx;
              int lo = Math.min(run, Math.max(0, -first)), hi = Math.max(lo, Math.min(run, w - first));
              // the zeros are a pixel or two (the padding): plain loops, as Arrays.fill's call and
              // checks cost more than that and showed in profiles of small convolutions
              for (int t = 0; t < lo; t++) col[dst + t] = 0f;
              if (hi > lo) System.arraycopy(x, plane + iy * w + first + lo, col, dst + lo, hi - lo);
              for (int t = hi; t < run; t++) col[dst + t] = 0f;
            } else {
              int row = plane + iy * w;
              for (int t = 0; t < run; t++) {
                int ix = (ox + t) * stride - padW + kx;
                col[dst + t] = (ix >= 0 && ix < w) ? x[row + ix] : 0f;
              }
            }
            dst += run;
            p += run;
          }
        }
      }
    }
  }

  /** The adjoint of {@link #im2col}: adds each column entry back onto the pixel it was read from. */
  public static void col2imAdd(float[] col, int colOff, int c, int h, int w,
                               int fh, int fw, int stride, int padH, int padW, int ho, int wo,
                               float[] dx, int dxOff) {
    int src = colOff;
    for (int ci = 0; ci < c; ci++) {
      int plane = dxOff + ci * h * w;
      for (int ky = 0; ky < fh; ky++) {
        for (int kx = 0; kx < fw; kx++) {
          for (int oy = 0; oy < ho; oy++) {
            int iy = oy * stride - padH + ky;
            if (iy < 0 || iy >= h) {
              src += wo;
              continue;
            }
            int row = plane + iy * w;
            if (stride == 1) {
              // ix = ox - padW + kx: one contiguous run inside the row, a loop the JIT vectorises
              int first = kx - padW;
              int lo = Math.min(wo, Math.max(0, -first)), hi = Math.max(lo, Math.min(wo, w - first));
              for (int ox = lo; ox < hi; ox++) dx[row + first + ox] += col[src + ox];
              src += wo;
              continue;
            }
            for (int ox = 0; ox < wo; ox++) {
              int ix = ox * stride - padW + kx;
              if (ix >= 0 && ix < w) dx[row + ix] += col[src];
              src++;
            }
          }
        }
      }
    }
  }
}
