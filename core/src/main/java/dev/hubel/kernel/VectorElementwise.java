package dev.hubel.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link ElementwiseKernel} on the Vector API; loaded by name only when the module is present. */
final class VectorElementwise implements ElementwiseKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Doubles of half a float vector's width: each float vector widens into two of these. */
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final ThreadLocal<double[]> LANES = ThreadLocal.withInitial(() -> new double[D.length()]);

  // Batch norm's sums, in double: each float vector is widened into two double vectors, summed
  // lane by lane into two accumulators, and the lanes added up in a fixed order at the end
  // (reduceLanes' order may differ between the interpreter and compiled code). The order differs
  // from the plain loop's four partial sums, so the last bits may too; the plain loop's scalar
  // double adds, each waiting on the last, had made batch norm a sixth of ResNet-20's training.

  @Override
  public double sum(float[] x, int from, int len) {
    DoubleVector s0 = DoubleVector.zero(D), s1 = s0;
    int j = from, end = from + len;
    for (int whole = from + S.loopBound(len); j < whole; j += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, j);
      s0 = s0.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
      s1 = s1.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
    }
    double[] lanes = LANES.get();
    s0.add(s1).intoArray(lanes, 0);  // here, not in a helper: a vector handed to a method C2 does not inline is boxed
    double total = sumOf(lanes);
    for (; j < end; j++) total += x[j];
    return total;
  }

  @Override
  public double squaredDeviations(float[] x, int from, int len, double m) {
    DoubleVector s0 = DoubleVector.zero(D), s1 = s0;
    int j = from, end = from + len;
    for (int whole = from + S.loopBound(len); j < whole; j += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, j);
      DoubleVector d0 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(m);
      DoubleVector d1 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(m);
      s0 = s0.add(d0.mul(d0));
      s1 = s1.add(d1.mul(d1));
    }
    double[] lanes = LANES.get();
    s0.add(s1).intoArray(lanes, 0);  // here, not in a helper: a vector handed to a method C2 does not inline is boxed
    double total = sumOf(lanes);
    for (; j < end; j++) {
      double d = x[j] - m;
      total += d * d;
    }
    return total;
  }

  @Override
  public double dotWithXhat(float[] dy, float[] x, int from, int len, float mean, float invstd) {
    DoubleVector s0 = DoubleVector.zero(D), s1 = s0;
    int j = from, end = from + len;
    for (int whole = from + S.loopBound(len); j < whole; j += S.length()) {
      // the product in float, as the plain loop's dy[j] * ((x[j] - mean) * invstd)
      FloatVector p = FloatVector.fromArray(S, dy, j).mul(FloatVector.fromArray(S, x, j).sub(mean).mul(invstd));
      s0 = s0.add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 0));
      s1 = s1.add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 1));
    }
    double[] lanes = LANES.get();
    s0.add(s1).intoArray(lanes, 0);  // here, not in a helper: a vector handed to a method C2 does not inline is boxed
    double total = sumOf(lanes);
    for (; j < end; j++) total += dy[j] * ((x[j] - mean) * invstd);
    return total;
  }

  /** The lanes, added in lane order. */
  private static double sumOf(double[] lanes) {
    double total = 0;
    for (double v : lanes) total += v;
    return total;
  }

  @Override
  public void biasRelu(float[] x, int xOff, float[] y, int yOff, int len, float bias) {
    int j = 0;
    FloatVector zero = FloatVector.zero(S);
    for (int end = S.loopBound(len); j < end; j += S.length()) {
      FloatVector.fromArray(S, x, xOff + j).add(bias).max(zero).intoArray(y, yOff + j);
    }
    for (; j < len; j++) y[yOff + j] = Math.max(0f, x[xOff + j] + bias);
  }

  @Override
  public void normalize(float[] x, float[] y, int from, int len, float mean, float a, float beta, boolean relu) {
    // the same three roundings per element as the plain loop (no fma), and MAX is Math.max's
    int j = from;
    FloatVector zero = FloatVector.zero(S);
    for (int end = from + S.loopBound(len); j < end; j += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, j).sub(mean).mul(a).add(beta);
      if (relu) v = v.max(zero);
      v.intoArray(y, j);
    }
    for (; j < from + len; j++) {
      float v = (x[j] - mean) * a + beta;
      y[j] = relu ? Math.max(0f, v) : v;
    }
  }

  @Override
  public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
    int i = from;
    for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
      VectorMask<Float> live = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
      FloatVector.fromArray(S, dx, i).add(FloatVector.fromArray(S, dy, i), live).intoArray(dx, i);
    }
    for (; i < to; i++) dx[i] += y[i] > 0f ? dy[i] : 0f;
  }

  /**
   * The output transform L tiles at a time: for one filter, the 16 values of L consecutive tiles
   * are L-wide vectors in m, so A^T m A is 24 vector adds; the four outputs of each tile are then
   * written out lane by lane (tiles land two columns apart, and rows and images break the runs).
   * Same adds in the same order per value as {@link Winograd3x3#transformOutput}, so the same bits.
   */
  @Override
  public void winogradOutput(float[] m, int mOff, int rows, int f0, int t0, int count, int tilesH, int tilesW,
                             float[] y, int imageStride, int ho, int wo, float[] bias, boolean accumulate,
                             float[] tmp, int tmpOff) {
    int lanes = S.length(), whole = count - count % lanes;
    if (whole > 0) {
      vectorTiles(m, mOff, rows, f0, t0, whole, count, tilesH, tilesW, y, imageStride, ho, wo, bias, accumulate, tmp, tmpOff);
    }
    // the last tiles, fewer than a vector: the plain transform on the same M, from column `whole`
    for (int j = whole; j < count; j++) {
      Winograd3x3.transformOutputColumn(m, mOff, rows, count, j, f0, t0 + j, tilesH, tilesW, y, imageStride, ho, wo, bias,
          accumulate);
    }
  }

  private static void vectorTiles(float[] m, int mOff, int rows, int f0, int t0, int whole, int count, int tilesH,
                                  int tilesW, float[] y, int imageStride, int ho, int wo, float[] bias, boolean accumulate,
                                  float[] tmp, int tmpOff) {
    int lanes = S.length(), block = rows * count, perImage = tilesH * tilesW, plane = ho * wo;
    for (int jg = 0; jg < whole; jg += lanes) {
      int first = t0 + jg, image0 = first / perImage, rest = first % perImage, ty0 = rest / tilesW, tx0 = rest % tilesW;
      for (int r = 0; r < rows; r++) {
        int o = mOff + r * count + jg;
        FloatVector m00 = FloatVector.fromArray(S, m, o), m01 = FloatVector.fromArray(S, m, o + block);
        FloatVector m02 = FloatVector.fromArray(S, m, o + 2 * block), m03 = FloatVector.fromArray(S, m, o + 3 * block);
        o += 4 * block;
        FloatVector m10 = FloatVector.fromArray(S, m, o), m11 = FloatVector.fromArray(S, m, o + block);
        FloatVector m12 = FloatVector.fromArray(S, m, o + 2 * block), m13 = FloatVector.fromArray(S, m, o + 3 * block);
        o += 4 * block;
        FloatVector m20 = FloatVector.fromArray(S, m, o), m21 = FloatVector.fromArray(S, m, o + block);
        FloatVector m22 = FloatVector.fromArray(S, m, o + 2 * block), m23 = FloatVector.fromArray(S, m, o + 3 * block);
        o += 4 * block;
        FloatVector m30 = FloatVector.fromArray(S, m, o), m31 = FloatVector.fromArray(S, m, o + block);
        FloatVector m32 = FloatVector.fromArray(S, m, o + 2 * block), m33 = FloatVector.fromArray(S, m, o + 3 * block);
        FloatVector a0 = m00.add(m10).add(m20), a1 = m01.add(m11).add(m21), a2 = m02.add(m12).add(m22), a3 = m03.add(m13).add(m23);
        FloatVector b0 = m10.sub(m20).sub(m30), b1 = m11.sub(m21).sub(m31), b2 = m12.sub(m22).sub(m32), b3 = m13.sub(m23).sub(m33);
        FloatVector y00 = a0.add(a1).add(a2), y01 = a1.sub(a2).sub(a3), y10 = b0.add(b1).add(b2), y11 = b1.sub(b2).sub(b3);
        if (!accumulate && bias != null) {
          float bf = bias[f0 + r];
          y00 = y00.add(bf);
          y01 = y01.add(bf);
          y10 = y10.add(bf);
          y11 = y11.add(bf);
        }
        y00.intoArray(tmp, tmpOff);
        y01.intoArray(tmp, tmpOff + lanes);
        y10.intoArray(tmp, tmpOff + 2 * lanes);
        y11.intoArray(tmp, tmpOff + 3 * lanes);
        int image = image0, ty = ty0, tx = tx0, filterPlane = (f0 + r) * plane;
        for (int q = 0; q < lanes; q++) {
          int oy = 2 * ty, ox = 2 * tx, at = image * imageStride + filterPlane + oy * wo + ox;
          boolean right = ox + 1 < wo, below = oy + 1 < ho;
          if (accumulate) {
            y[at] += tmp[tmpOff + q];
            if (right) y[at + 1] += tmp[tmpOff + lanes + q];
            if (below) {
              y[at + wo] += tmp[tmpOff + 2 * lanes + q];
              if (right) y[at + wo + 1] += tmp[tmpOff + 3 * lanes + q];
            }
          } else {
            y[at] = tmp[tmpOff + q];
            if (right) y[at + 1] = tmp[tmpOff + lanes + q];
            if (below) {
              y[at + wo] = tmp[tmpOff + 2 * lanes + q];
              if (right) y[at + wo + 1] = tmp[tmpOff + 3 * lanes + q];
            }
          }
          if (++tx == tilesW) {
            tx = 0;
            if (++ty == tilesH) {
              ty = 0;
              image++;
            }
          }
        }
      }
    }
  }
}
