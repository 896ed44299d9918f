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
