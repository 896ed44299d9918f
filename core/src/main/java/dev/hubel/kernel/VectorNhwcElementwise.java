package dev.hubel.kernel;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NhwcElementwiseKernel} on the Vector API; loaded by name only when the module is present.
 * Vectors run along channels, the contiguous axis. Loop orders:
 * <ul>
 *   <li>conversions: row by row, each a transpose ({@link VectorTranspose}: 16 x 16 squares in
 *       registers, the edges one by one);</li>
 *   <li>max pooling and local response: output row, pixel, vector of channels, then the window
 *       (cells, or channels) inside, its running result in a register;</li>
 *   <li>global average: image, vector of channels, pixel: one accumulator per vector, the
 *       pixels added in row order as {@link Pooling#avgForward} adds them, so the same bits;</li>
 *   <li>add and ReLU: row, then its interior as one run of W * C floats, since a row's pixels are
 *       contiguous whatever C, which keeps the vectors full where C is small.</li>
 * </ul>
 * Channels past the last whole vector go one by one, except where a pass neither reads what it
 * wrote nor changes a value by writing it twice (pooling, the average): there, where C is at
 * least a vector, one last vector ends at channel C and overlaps the one before it.
 */
final class VectorNhwcElementwise implements NhwcElementwiseKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Doubles of the same width: a float vector widens into two of these, for local response's power. */
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  public VectorNhwcElementwise() {}

  /** Each row of the image: a C x W block of NCHW (rows a plane apart) transposed into W pixels of C. */
  @Override
  public void fromNchw(float[] x, Nhwc out, float[] y, int row0, int row1) {
    int c = out.c(), h = out.h(), w = out.w(), plane = h * w;
    for (int r = row0; r < row1; r++) {
      int b = r / h, row = r - b * h;
      VectorTranspose.transpose(x, b * c * plane + row * w, plane, c, w, y, out.offset(b, row, 0), c);
    }
  }

  /** Each row: W pixels of C transposed into a C x W block of NCHW. */
  @Override
  public void toNchw(Nhwc in, float[] x, float[] y, int row0, int row1) {
    int c = in.c(), h = in.h(), w = in.w(), plane = h * w;
    for (int r = row0; r < row1; r++) {
      int b = r / h, row = r - b * h;
      VectorTranspose.transpose(x, in.offset(b, row, 0), c, w, c, y, b * c * plane + row * w, plane);
    }
  }

  /**
   * Each window clipped to the image once per output pixel, so the border's zeros are never read
   * (padding never wins) and no cell is tested inside the channel loop; the maximum is Math.max's,
   * lane by lane, from -infinity (a NaN wins), as {@link Pooling#maxForward} takes it in inference.
   * x and y must be different arrays (the last vector of channels may be written twice).
   */
  @Override
  public void maxPool(Nhwc in, float[] x, Nhwc out, float[] y, int fh, int fw, int stride, int pad,
                      int row0, int row1) {
    int c = in.c(), h = in.h(), w = in.w(), ho = out.h(), wo = out.w(), rowStride = in.rowStride();
    int last = c - L;
    FloatVector lowest = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int r = row0; r < row1; r++) {
      int b = r / ho, oy = r - b * ho, y0 = oy * stride - pad;
      int yStart = Math.max(y0, 0), rows = Math.min(y0 + fh, h) - yStart;
      for (int ox = 0; ox < wo; ox++) {
        int x0 = ox * stride - pad, xStart = Math.max(x0, 0), cols = Math.min(x0 + fw, w) - xStart;
        int first = in.offset(b, yStart, xStart), o = out.offset(b, oy, ox);
        if (last < 0) {
          for (int ch = 0; ch < c; ch++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int iy = 0; iy < rows; iy++) {
              for (int ix = 0, at = first + iy * rowStride + ch; ix < cols; ix++, at += c) best = Math.max(best, x[at]);
            }
            y[o + ch] = best;
          }
          continue;
        }
        for (int j = 0; ; j = Math.min(j + L, last)) {
          // down each column of the window first, then across: chains of rows - 1 and cols maxima
          // that the core runs side by side, where one chain of rows * cols had each maximum wait
          // for the last (a maximum with Math.max's rules is six instructions; the pool was bound
          // by their latency). Same result: that maximum is associative and commutative.
          FloatVector best = lowest;
          for (int ix = 0, top = first + j; ix < cols; ix++, top += c) {
            FloatVector column = FloatVector.fromArray(S, x, top);
            for (int iy = 1, at = top + rowStride; iy < rows; iy++, at += rowStride) {
              column = column.max(FloatVector.fromArray(S, x, at));
            }
            best = best.max(column);
          }
          best.intoArray(y, o + j);
          if (j == last) break;
        }
      }
    }
  }

  /**
   * Per pixel, its channels' squares go into this thread's scratch between zeros (size / 2 before,
   * (size - 1) / 2 after), so that each vector of channels sums its window as {@code size}
   * loads shifted by one channel, with no test at the ends. The squares are added in channel
   * order from 0, the zeros changing nothing, and the base is the plain loop's three roundings;
   * the power 0.75 is taken in double as {@link LocalResponseNorm#power} takes it: the same bits
   * as {@link LocalResponseNorm#forwardPlain}. Other powers go through the bases in the scratch.
   * The squares are saved before any channel is written, so x and y may be one array and layout.
   */
  @Override
  public void localResponse(Nhwc in, float[] x, Nhwc out, float[] y, int size, float alpha, float beta, float k,
                            int row0, int row1) {
    int c = in.c(), h = in.h(), w = in.w(), before = size / 2, span = c + size - 1, whole = S.loopBound(c);
    boolean alexNet = beta == 0.75f;
    float[] scratch = ThreadScratch.floats(span + c);  // squares between their zeros, then bases
    Arrays.fill(scratch, 0, before, 0f);
    Arrays.fill(scratch, before + c, span, 0f);
    VectorMask<Float> upper = VectorMask.fromLong(S, -1L << (L / 2));
    for (int r = row0; r < row1; r++) {
      int b = r / h, row = r - b * h, p = in.offset(b, row, 0), q = out.offset(b, row, 0);
      for (int i = 0; i < w; i++, p += c, q += c) {
        int ch = 0;
        for (; ch < whole; ch += L) {
          FloatVector v = FloatVector.fromArray(S, x, p + ch);
          v.mul(v).intoArray(scratch, before + ch);
        }
        for (; ch < c; ch++) scratch[before + ch] = x[p + ch] * x[p + ch];
        for (ch = 0; ch < whole; ch += L) {
          FloatVector sum = FloatVector.zero(S);
          for (int d = 0; d < size; d++) sum = sum.add(FloatVector.fromArray(S, scratch, ch + d));
          FloatVector base = sum.div(size).mul(alpha).add(k);
          if (!alexNet) {
            base.intoArray(scratch, span + ch);
            continue;
          }
          DoubleVector b0 = (DoubleVector) base.convertShape(VectorOperators.F2D, D, 0);
          DoubleVector b1 = (DoubleVector) base.convertShape(VectorOperators.F2D, D, 1);
          FloatVector pow0 = (FloatVector) b0.mul(b0.sqrt()).sqrt().convertShape(VectorOperators.D2F, S, 0);
          FloatVector pow1 = (FloatVector) b1.mul(b1.sqrt()).sqrt().convertShape(VectorOperators.D2F, S, -1);
          FloatVector.fromArray(S, x, p + ch).div(pow0.blend(pow1, upper)).intoArray(y, q + ch);
        }
        for (; ch < c; ch++) {
          float sum = 0f;
          for (int d = 0; d < size; d++) sum += scratch[ch + d];
          float base = sum / size * alpha + k;
          if (alexNet) {
            y[q + ch] = x[p + ch] / LocalResponseNorm.power(base, beta);
          } else {
            scratch[span + ch] = base;
          }
        }
        if (!alexNet) {
          for (ch = 0; ch < c; ch++) y[q + ch] = x[p + ch] / LocalResponseNorm.power(scratch[span + ch], beta);
        }
      }
    }
  }

  @Override
  public void globalAverage(Nhwc in, float[] x, float[] y, int b0, int b1) {
    int c = in.c(), h = in.h(), w = in.w(), rowStride = in.rowStride(), last = c - L;
    float pixels = h * w;
    for (int b = b0; b < b1; b++) {
      int first = in.offset(b, 0, 0);
      if (last < 0) {
        for (int ch = 0; ch < c; ch++) {
          float sum = 0f;
          for (int iy = 0; iy < h; iy++) {
            for (int ix = 0, at = first + iy * rowStride + ch; ix < w; ix++, at += c) sum += x[at];
          }
          y[b * c + ch] = sum / pixels;
        }
        continue;
      }
      for (int j = 0; ; j = Math.min(j + L, last)) {
        FloatVector sum = FloatVector.zero(S);
        for (int iy = 0; iy < h; iy++) {
          for (int ix = 0, at = first + iy * rowStride + j; ix < w; ix++, at += c) {
            sum = sum.add(FloatVector.fromArray(S, x, at));
          }
        }
        sum.div(pixels).intoArray(y, b * c + j);
        if (j == last) break;
      }
    }
  }

  @Override
  public void addRelu(Nhwc in, float[] x, Nhwc otherLayout, float[] other, Nhwc out, float[] y, boolean relu,
                      int row0, int row1) {
    int h = in.h(), len = in.w() * in.c(), whole = S.loopBound(len);
    FloatVector zero = FloatVector.zero(S);
    for (int r = row0; r < row1; r++) {
      int b = r / h, row = r - b * h, from = in.offset(b, row, 0), to = out.offset(b, row, 0);
      if (other == null && !relu) {
        System.arraycopy(x, from, y, to, len);
        continue;
      }
      int i = 0;
      if (other == null) {
        for (; i < whole; i += L) FloatVector.fromArray(S, x, from + i).max(zero).intoArray(y, to + i);
        for (; i < len; i++) y[to + i] = Math.max(0f, x[from + i]);
        continue;
      }
      int add = otherLayout.offset(b, row, 0);
      for (; i < whole; i += L) {
        FloatVector v = FloatVector.fromArray(S, x, from + i).add(FloatVector.fromArray(S, other, add + i));
        if (relu) v = v.max(zero);
        v.intoArray(y, to + i);
      }
      for (; i < len; i++) {
        float v = x[from + i] + other[add + i];
        y[to + i] = relu ? Math.max(0f, v) : v;
      }
    }
  }
}
