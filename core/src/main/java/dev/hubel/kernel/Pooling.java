package dev.hubel.kernel;

/**
 * Max and average pooling over each depth slice independently, for a block of planes
 * (N*C planes of H x W, contiguous in NCHW). Windows that hang over the padding ignore it for
 * max (as if padded with -infinity) and count it as zeros for average (PyTorch's default,
 * count_include_pad). Loop order: plane, output row, output column, window.
 */
public final class Pooling {
  private Pooling() {}

  /**
   * Forward max pooling. {@code argmax[o]} remembers the index into {@code x} of the pixel that
   * won output {@code o} (same indexing as {@code y}), for the backward pass.
   */
  public static void maxForward(float[] x, int xOff, int planes, int h, int w,
                                int fh, int fw, int stride, int pad, int ho, int wo,
                                float[] y, int yOff, int[] argmax) {
    for (int p = 0; p < planes; p++) {
      int in = xOff + p * h * w;
      int out = yOff + p * ho * wo;
      for (int oy = 0; oy < ho; oy++) {
        int y0 = oy * stride - pad;
        int yStart = Math.max(y0, 0), yEnd = Math.min(y0 + fh, h);
        for (int ox = 0; ox < wo; ox++) {
          int x0 = ox * stride - pad;
          int xStart = Math.max(x0, 0), xEnd = Math.min(x0 + fw, w);
          float best = Float.NEGATIVE_INFINITY;
          int bestAt = in + yStart * w + xStart;
          for (int iy = yStart; iy < yEnd; iy++) {
            int row = in + iy * w;
            for (int ix = xStart; ix < xEnd; ix++) {
              float v = x[row + ix];
              // '>' keeps the first maximum, as PyTorch does; NaN propagates like PyTorch too
              if (v > best || Float.isNaN(v)) {
                best = v;
                bestAt = row + ix;
                if (Float.isNaN(v)) break;
              }
            }
          }
          int o = out + oy * wo + ox;
          y[o] = best;
          argmax[o] = bestAt;
        }
      }
    }
  }

  /** dx[argmax[i]] += dy[i] for i in [from, to): only the winner of each window gets the gradient. */
  public static void maxBackward(float[] dy, int from, int to, int[] argmax, float[] dx) {
    for (int i = from; i < to; i++) dx[argmax[i]] += dy[i];
  }

  public static void avgForward(float[] x, int xOff, int planes, int h, int w,
                                int fh, int fw, int stride, int pad, int ho, int wo,
                                float[] y, int yOff) {
    for (int p = 0; p < planes; p++) {
      int in = xOff + p * h * w;
      int out = yOff + p * ho * wo;
      for (int oy = 0; oy < ho; oy++) {
        int y0 = oy * stride - pad;
        int yStart = Math.max(y0, 0), yEnd = Math.min(y0 + fh, h);
        int divH = Math.min(y0 + fh, h + pad) - y0;
        for (int ox = 0; ox < wo; ox++) {
          int x0 = ox * stride - pad;
          int xStart = Math.max(x0, 0), xEnd = Math.min(x0 + fw, w);
          int divW = Math.min(x0 + fw, w + pad) - x0;
          float sum = 0f;
          for (int iy = yStart; iy < yEnd; iy++) {
            int row = in + iy * w;
            for (int ix = xStart; ix < xEnd; ix++) sum += x[row + ix];
          }
          y[out + oy * wo + ox] = sum / (divH * divW);
        }
      }
    }
  }

  /** Each input pixel of a window gets dy / (window area), the adjoint of the forward mean. */
  public static void avgBackward(float[] dy, int dyOff, int planes, int h, int w,
                                 int fh, int fw, int stride, int pad, int ho, int wo,
                                 float[] dx, int dxOff) {
    for (int p = 0; p < planes; p++) {
      int in = dxOff + p * h * w;
      int out = dyOff + p * ho * wo;
      for (int oy = 0; oy < ho; oy++) {
        int y0 = oy * stride - pad;
        int yStart = Math.max(y0, 0), yEnd = Math.min(y0 + fh, h);
        int divH = Math.min(y0 + fh, h + pad) - y0;
        for (int ox = 0; ox < wo; ox++) {
          int x0 = ox * stride - pad;
          int xStart = Math.max(x0, 0), xEnd = Math.min(x0 + fw, w);
          int divW = Math.min(x0 + fw, w + pad) - x0;
          float g = dy[out + oy * wo + ox] / (divH * divW);
          for (int iy = yStart; iy < yEnd; iy++) {
            int row = in + iy * w;
            for (int ix = xStart; ix < xEnd; ix++) dx[row + ix] += g;
          }
        }
      }
    }
  }
}
