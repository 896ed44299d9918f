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
   * won output {@code o} (same indexing as {@code y}), for the backward pass: the first maximum in
   * row order, or the first NaN. With argmax null (inference) only the maxima are written; they
   * may then differ from the argmax pass in the sign of a zero, nothing else.
   */
  public static void maxForward(float[] x, int xOff, int planes, int h, int w,
                                int fh, int fw, int stride, int pad, int ho, int wo,
                                float[] y, int yOff, int[] argmax) {
    if (fh == 2 && fw == 2 && stride == 2 && pad == 0) {
      max2x2(x, xOff, planes, h, w, ho, wo, y, yOff, argmax);
      return;
    }
    if (fh == 1 && fw == 1 && pad == 0) {
      subsample(x, xOff, planes, h, w, stride, ho, wo, y, yOff, argmax);
      return;
    }
    // The maximum is taken with Math.max (no branch; a NaN wins), and only then, for training,
    // where it was: the last cell from the end that holds it. Selects on each comparison had
    // compiled to branches that a random image mispredicts: 30 ns an output, a 112x112x64 pool
    // at a twelfth of ResNet-50's convolution time. 3x3 windows (AlexNet's, ResNet's and
    // GoogLeNet's pools) that lie wholly inside the image are unrolled.
    boolean threeByThree = fh == 3 && fw == 3;
    int oxA = Math.min(wo, (pad + stride - 1) / stride);
    int oxB = Math.max(oxA, Math.min(wo, w + pad - 3 < 0 ? 0 : (w + pad - 3) / stride + 1));
    for (int p = 0; p < planes; p++) {
      int in = xOff + p * h * w;
      int out = yOff + p * ho * wo;
      for (int oy = 0; oy < ho; oy++) {
        int y0 = oy * stride - pad, o = out + oy * wo;
        if (threeByThree && y0 >= 0 && y0 + 3 <= h) {
          for (int ox = 0; ox < oxA; ox++) maxWindow(x, in, h, w, fh, fw, stride, pad, oy, ox, y, o + ox, argmax);
          if (stride == 2) {
            Kernels.ELEMENTWISE.max3x3Stride2(x, in + y0 * w - pad, w, oxA, oxB, y, o, argmax);
          } else {
            max3x3Interior(x, in + y0 * w - pad, w, stride, oxA, oxB, y, o, argmax);
          }
          for (int ox = oxB; ox < wo; ox++) maxWindow(x, in, h, w, fh, fw, stride, pad, oy, ox, y, o + ox, argmax);
        } else {
          for (int ox = 0; ox < wo; ox++) maxWindow(x, in, h, w, fh, fw, stride, pad, oy, ox, y, o + ox, argmax);
        }
      }
    }
  }

  /**
   * A 1x1 window: every stride-th pixel of every stride-th row, each its own maximum (ResNet-20's
   * shortcut at stride 2, x[:, :, ::2, ::2]). The general loop took it output by output through
   * the clipped-window arithmetic, 2-5 ms of a ResNet-20 training step at batch 128.
   */
  private static void subsample(float[] x, int xOff, int planes, int h, int w, int stride, int ho, int wo,
                                float[] y, int yOff, int[] argmax) {
    for (int p = 0; p < planes; p++) {
      for (int oy = 0; oy < ho; oy++) {
        int from = xOff + p * h * w + oy * stride * w, o = yOff + (p * ho + oy) * wo;
        for (int ox = 0; ox < wo; ox++) y[o + ox] = x[from + ox * stride];
        if (argmax != null) {
          for (int ox = 0; ox < wo; ox++) argmax[o + ox] = from + ox * stride;
        }
      }
    }
  }

  /** Output (oy, ox) of the plane at {@code in}: its window clipped to the image; argmax may be null. */
  private static void maxWindow(float[] x, int in, int h, int w, int fh, int fw, int stride, int pad,
                                int oy, int ox, float[] y, int o, int[] argmax) {
    int y0 = oy * stride - pad, x0 = ox * stride - pad;
    int yStart = Math.max(y0, 0), yEnd = Math.min(y0 + fh, h);
    int xStart = Math.max(x0, 0), xEnd = Math.min(x0 + fw, w);
    float best = Float.NEGATIVE_INFINITY;
    for (int iy = yStart; iy < yEnd; iy++) {
      for (int ix = xStart, row = in + iy * w; ix < xEnd; ix++) best = Math.max(best, x[row + ix]);
    }
    if (argmax == null) {
      y[o] = best;
      return;
    }
    int at = in + yStart * w + xStart;
    for (int iy = yEnd - 1; iy >= yStart; iy--) {
      for (int ix = xEnd - 1, row = in + iy * w; ix >= xStart; ix--) at = holds(x[row + ix], best) ? row + ix : at;
    }
    y[o] = x[at];
    argmax[o] = at;
  }

  /**
   * Whether a cell holding v is where a window's maximum {@code best} came from: equal to it, or a
   * NaN (Math.max lets a NaN win, so then best is NaN too). Scanned from the window's last cell
   * to its first, the last cell that holds it is the first in row order.
   */
  private static boolean holds(float v, float best) {
    return v == best | v != v;
  }

  /**
   * Outputs ox0..ox1 of one output row whose 3x3 windows lie inside the image; the window of
   * output ox starts at {@code x[rowStart + ox*stride]}; argmax may be null.
   */
  static void max3x3Interior(float[] x, int rowStart, int w, int stride, int ox0, int ox1,
                                     float[] y, int o, int[] argmax) {
    for (int ox = ox0; ox < ox1; ox++) {
      int i = rowStart + ox * stride, j = i + w, k = j + w;
      float best = Math.max(Math.max(Math.max(x[i], x[i + 1]), Math.max(x[i + 2], x[j])),
          Math.max(Math.max(Math.max(x[j + 1], x[j + 2]), Math.max(x[k], x[k + 1])), x[k + 2]));
      if (argmax == null) {
        y[o + ox] = best;
        continue;
      }
      int at = k + 2;
      at = holds(x[k + 1], best) ? k + 1 : at;
      at = holds(x[k], best) ? k : at;
      at = holds(x[j + 2], best) ? j + 2 : at;
      at = holds(x[j + 1], best) ? j + 1 : at;
      at = holds(x[j], best) ? j : at;
      at = holds(x[i + 2], best) ? i + 2 : at;
      at = holds(x[i + 1], best) ? i + 1 : at;
      at = holds(x[i], best) ? i : at;
      y[o + ox] = x[at];
      argmax[o + ox] = at;
    }
  }

  /**
   * The common 2x2 window at stride 2 without padding, the same result as the general loop (first
   * maximum in row order; a NaN wins and stays), but with selects in place of its branches
   * ({@link ElementwiseKernel#max2x2Row}, 16 windows at a time on the Vector API): this pass was a
   * tenth of a small CNN's training step, and a fifth of LeNet-5's in scalar selects. With argmax
   * null, only the maxima.
   */
  private static void max2x2(float[] x, int xOff, int planes, int h, int w, int ho, int wo,
                             float[] y, int yOff, int[] argmax) {
    for (int p = 0; p < planes; p++) {
      int in = xOff + p * h * w;
      int out = yOff + p * ho * wo;
      for (int oy = 0; oy < ho; oy++) {
        int r0 = in + 2 * oy * w, r1 = r0 + w, o = out + oy * wo;
        if (argmax != null) {
          Kernels.ELEMENTWISE.max2x2Row(x, r0, r1, wo, y, o, argmax);
          continue;
        }
        for (int ox = 0; ox < wo; ox++) {  // inference: Math.max, which needs no branch either
          int i0 = r0 + 2 * ox, i2 = r1 + 2 * ox;
          y[o + ox] = Math.max(Math.max(x[i0], x[i0 + 1]), Math.max(x[i2], x[i2 + 1]));
        }
      }
    }
  }

  /**
   * Outputs ox0..ox1 of {@link ElementwiseKernel#max2x2Row}, one at a time: selects in place of
   * branches (which of four noisy values is largest is a coin toss the branch predictor loses).
   */
  static void max2x2Row(float[] x, int r0, int r1, int ox0, int ox1, float[] y, int o, int[] argmax) {
    for (int ox = ox0; ox < ox1; ox++) {
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
