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
    if (fh == 2 && fw == 2 && stride == 2 && pad == 0) {
      max2x2(x, xOff, planes, h, w, ho, wo, y, yOff, argmax);
      return;
    }
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
              // The same rule and selects as max2x2: '>' keeps the first maximum, and a NaN wins
              // and stays (& and | do not short-circuit, so no branch). Unlike max2x2's, this
              // change measured no faster; it is here so that both paths keep one NaN rule.
              float v = x[row + ix];
              boolean take = (v > best | v != v) & best == best;
              best = take ? v : best;
              bestAt = take ? row + ix : bestAt;
            }
          }
          int o = out + oy * wo + ox;
          y[o] = best;
          argmax[o] = bestAt;
        }
      }
    }
  }

  /**
   * The common 2x2 window at stride 2 without padding, the same result as the general loop (first
   * maximum in row order; a NaN wins and stays), but with selects in place of its branches: which
   * of four noisy values is largest is a coin toss the branch predictor loses, and this pass was a
   * tenth of a small CNN's training step.
   */
  private static void max2x2(float[] x, int xOff, int planes, int h, int w, int ho, int wo,
                             float[] y, int yOff, int[] argmax) {
    for (int p = 0; p < planes; p++) {
      int in = xOff + p * h * w;
      int out = yOff + p * ho * wo;
      for (int oy = 0; oy < ho; oy++) {
        int r0 = in + 2 * oy * w, r1 = r0 + w, o = out + oy * wo;
        for (int ox = 0; ox < wo; ox++) {
          int i0 = r0 + 2 * ox, i2 = r1 + 2 * ox;
          float a = x[i0], b = x[i0 + 1], c = x[i2], d = x[i2 + 1];
          // a NaN compares false both ways, so "keep the best unless the new one beats it or is NaN"
          boolean takeB = b > a || (b != b && a == a);
          float best = takeB ? b : a;
          int at = takeB ? i0 + 1 : i0;
          boolean takeC = (c > best || c != c) && best == best;
          best = takeC ? c : best;
          at = takeC ? i2 : at;
          boolean takeD = (d > best || d != d) && best == best;
          y[o + ox] = takeD ? d : best;
          argmax[o + ox] = takeD ? i2 + 1 : at;
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
