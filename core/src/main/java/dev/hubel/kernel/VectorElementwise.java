package dev.hubel.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

  /**
   * A channel at a time, one vector of pixels at a time: the squares of its window's channels
   * summed in channel order (a multiply, then an add, as the plain loop does), the base, and
   * AlexNet's power 0.75 as sqrt(base * sqrt(base)) in double, so the same bits as the plain
   * loop, which went over each window channel's plane and then over the bases again (0.86 ms a
   * 55x55x96 image on one core, its power alone 0.19). Other powers go the plain way.
   */
  @Override
  public void localResponse(float[] x, float[] y, float[] s, int off, int c, int hw, int p0, int p1,
                            int size, float alpha, float beta, float k) {
    if (beta != 0.75f) {
      LocalResponseNorm.forwardPlain(x, y, s, off, c, hw, p0, p1, size, alpha, beta, k);
      return;
    }
    int before = size / 2, after = (size - 1) / 2, whole = p0 + S.loopBound(p1 - p0);
    VectorMask<Float> upper = VectorMask.fromLong(S, -1L << (S.length() / 2));
    for (int ch = 0; ch < c; ch++) {
      int at = off + ch * hw, lo = Math.max(0, ch - before), hi = Math.min(c - 1, ch + after);
      for (int p = p0; p < whole; p += S.length()) {
        FloatVector sum = FloatVector.zero(S);
        for (int cc = lo; cc <= hi; cc++) {
          FloatVector v = FloatVector.fromArray(S, x, off + cc * hw + p);
          sum = sum.add(v.mul(v));
        }
        FloatVector base = sum.div(size).mul(alpha).add(k);
        base.intoArray(s, at + p);
        DoubleVector b0 = (DoubleVector) base.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector b1 = (DoubleVector) base.convertShape(VectorOperators.F2D, D, 1);
        FloatVector pow0 = (FloatVector) b0.mul(b0.sqrt()).sqrt().convertShape(VectorOperators.D2F, S, 0);
        FloatVector pow1 = (FloatVector) b1.mul(b1.sqrt()).sqrt().convertShape(VectorOperators.D2F, S, -1);
        FloatVector.fromArray(S, x, at + p).div(pow0.blend(pow1, upper)).intoArray(y, at + p);
      }
      if (whole < p1) LocalResponseNorm.forwardPlain(x, y, s, off, c, hw, whole, p1, size, alpha, beta, k, ch);
    }
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
  public void reluBackwardOfNorm(float[] x, float[] dy, float[] dx, int from, int len, float mean, float a, float beta) {
    // y as normalize makes it (three roundings, no fma), so the mask is the forward ReLU's
    FloatVector zero = FloatVector.zero(S);
    int i = from;
    for (int end = from + S.loopBound(len); i < end; i += S.length()) {
      VectorMask<Float> live = FloatVector.fromArray(S, x, i).sub(mean).mul(a).add(beta).compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(S, dy, i), live).intoArray(dx, i);
    }
    for (; i < from + len; i++) dx[i] = (x[i] - mean) * a + beta > 0f ? dy[i] : 0f;
  }

  /** Ints as many a vector as S's floats: a window's winner per lane. */
  private static final VectorSpecies<Integer> I = S.withLanes(int.class);
  /** Lane indices into two vectors of a row pair, (v0, v1): the even lanes (a window's left column), the odd (its right), and 2 * lane. */
  private static final float[] EVEN = new float[S.length()], ODD = new float[S.length()];
  private static final int[] TWICE = new int[S.length()];
  /** A row's last, partial block of windows: its values and winners before the valid ones are copied out. */
  private static final ThreadLocal<float[]> ROW_VALUES = ThreadLocal.withInitial(() -> new float[S.length()]);
  private static final ThreadLocal<int[]> ROW_WINNERS = ThreadLocal.withInitial(() -> new int[S.length()]);

  static {
    for (int l = 0; l < S.length(); l++) {
      EVEN[l] = 2 * l;
      ODD[l] = 2 * l + 1;
      TWICE[l] = 2 * l;
    }
  }

  @Override
  public void max3x3Stride2(float[] x, int rowStart, int w, int ox0, int ox1, float[] y, int o, int[] argmax) {
    int lanes = S.length(), ox = ox0;
    FloatVector even = FloatVector.fromArray(S, EVEN, 0), odd = FloatVector.fromArray(S, ODD, 0);
    IntVector twice = IntVector.fromArray(I, TWICE, 0);
    // the windows' three columns in each of three rows: even and odd lanes of a row from 2ox, and
    // the even lanes from 2ox + 2 (read from there: lane 15's third column is past two vectors);
    // the last block may overlap the one before it (those outputs are written again, the same)
    for (int start = Math.min(ox, ox1 - lanes); ox < ox1 && start >= ox0
        && rowStart + 2 * w + 2 * start + 2 * lanes + 2 <= x.length; start = Math.min(ox, ox1 - lanes)) {
      ox = start + lanes;
      int i = rowStart + 2 * start, j = i + w, k = j + w;
      FloatVector a0 = FloatVector.fromArray(S, x, i), a1 = FloatVector.fromArray(S, x, i + lanes);
      FloatVector a2 = FloatVector.fromArray(S, x, i + 2), a3 = FloatVector.fromArray(S, x, i + 2 + lanes);
      FloatVector xi = even.selectFrom(a0, a1), xi1 = odd.selectFrom(a0, a1), xi2 = even.selectFrom(a2, a3);
      a0 = FloatVector.fromArray(S, x, j);
      a1 = FloatVector.fromArray(S, x, j + lanes);
      a2 = FloatVector.fromArray(S, x, j + 2);
      a3 = FloatVector.fromArray(S, x, j + 2 + lanes);
      FloatVector xj = even.selectFrom(a0, a1), xj1 = odd.selectFrom(a0, a1), xj2 = even.selectFrom(a2, a3);
      a0 = FloatVector.fromArray(S, x, k);
      a1 = FloatVector.fromArray(S, x, k + lanes);
      a2 = FloatVector.fromArray(S, x, k + 2);
      a3 = FloatVector.fromArray(S, x, k + 2 + lanes);
      FloatVector xk = even.selectFrom(a0, a1), xk1 = odd.selectFrom(a0, a1), xk2 = even.selectFrom(a2, a3);
      // Math.max lane by lane, nested as the plain loop nests it
      FloatVector best = xi.max(xi1).max(xi2.max(xj)).max(xj1.max(xj2).max(xk.max(xk1)).max(xk2));
      if (argmax == null) {
        best.intoArray(y, o + start);
        continue;
      }
      // from the last cell to the first, each that holds the maximum (equal, or a NaN) takes over
      IntVector base = twice.add(k);
      FloatVector value = xk2;
      IntVector at = base.add(2);
      VectorMask<Float> holds = xk1.compare(VectorOperators.EQ, best).or(xk1.test(VectorOperators.IS_NAN));
      value = value.blend(xk1, holds);
      at = at.blend(base.add(1), holds.cast(I));
      holds = xk.compare(VectorOperators.EQ, best).or(xk.test(VectorOperators.IS_NAN));
      value = value.blend(xk, holds);
      at = at.blend(base, holds.cast(I));
      base = twice.add(j);
      holds = xj2.compare(VectorOperators.EQ, best).or(xj2.test(VectorOperators.IS_NAN));
      value = value.blend(xj2, holds);
      at = at.blend(base.add(2), holds.cast(I));
      holds = xj1.compare(VectorOperators.EQ, best).or(xj1.test(VectorOperators.IS_NAN));
      value = value.blend(xj1, holds);
      at = at.blend(base.add(1), holds.cast(I));
      holds = xj.compare(VectorOperators.EQ, best).or(xj.test(VectorOperators.IS_NAN));
      value = value.blend(xj, holds);
      at = at.blend(base, holds.cast(I));
      base = twice.add(i);
      holds = xi2.compare(VectorOperators.EQ, best).or(xi2.test(VectorOperators.IS_NAN));
      value = value.blend(xi2, holds);
      at = at.blend(base.add(2), holds.cast(I));
      holds = xi1.compare(VectorOperators.EQ, best).or(xi1.test(VectorOperators.IS_NAN));
      value = value.blend(xi1, holds);
      at = at.blend(base.add(1), holds.cast(I));
      holds = xi.compare(VectorOperators.EQ, best).or(xi.test(VectorOperators.IS_NAN));
      value.blend(xi, holds).intoArray(y, o + start);
      at.blend(base, holds.cast(I)).intoArray(argmax, o + start);
    }
    Pooling.max3x3Interior(x, rowStart, w, 2, ox, ox1, y, o, argmax);
  }

  @Override
  public void max2x2Row(float[] x, int r0, int r1, int wo, float[] y, int o, int[] argmax) {
    int lanes = S.length(), ox = 0;
    FloatVector even = FloatVector.fromArray(S, EVEN, 0), odd = FloatVector.fromArray(S, ODD, 0);
    IntVector twice = IntVector.fromArray(I, TWICE, 0);
    // the plain loop's selects, lane by lane: the same winner, value and index. The last block
    // may overlap the one before it (those outputs are written again, the same); a row narrower
    // than a vector (LeNet-5's 14 and 5 windows) is one block whose loads run past the row while
    // they stay inside x, its valid lanes copied out through this thread's block (a masked store
    // allocated its mask on every call, which AllocationTest caught)
    for (int start = Math.max(0, Math.min(ox, wo - lanes)); ox < wo && blockFits(r1, start, lanes, x.length);
         start = Math.max(0, Math.min(ox, wo - lanes))) {
      ox = Math.min(wo, start + lanes);
      int i0 = r0 + 2 * start, i2 = r1 + 2 * start;
      FloatVector top0 = FloatVector.fromArray(S, x, i0), top1 = FloatVector.fromArray(S, x, i0 + lanes);
      FloatVector bottom0 = FloatVector.fromArray(S, x, i2), bottom1 = FloatVector.fromArray(S, x, i2 + lanes);
      FloatVector a = even.selectFrom(top0, top1), b = odd.selectFrom(top0, top1);
      FloatVector c = even.selectFrom(bottom0, bottom1), d = odd.selectFrom(bottom0, bottom1);
      VectorMask<Float> takeB = b.compare(VectorOperators.GT, a)
          .or(b.test(VectorOperators.IS_NAN).andNot(a.test(VectorOperators.IS_NAN)));
      FloatVector best = a.blend(b, takeB);
      IntVector top = twice.add(i0), at = top.blend(top.add(1), takeB.cast(I));
      VectorMask<Float> takeC = c.compare(VectorOperators.GT, best).or(c.test(VectorOperators.IS_NAN))
          .andNot(best.test(VectorOperators.IS_NAN));
      best = best.blend(c, takeC);
      IntVector bottom = twice.add(i2);
      at = at.blend(bottom, takeC.cast(I));
      VectorMask<Float> takeD = d.compare(VectorOperators.GT, best).or(d.test(VectorOperators.IS_NAN))
          .andNot(best.test(VectorOperators.IS_NAN));
      best = best.blend(d, takeD);
      at = at.blend(bottom.add(1), takeD.cast(I));
      if (start + lanes <= wo) {
        best.intoArray(y, o + start);
        at.intoArray(argmax, o + start);
      } else {
        float[] values = ROW_VALUES.get();
        int[] winners = ROW_WINNERS.get();
        best.intoArray(values, 0);
        at.intoArray(winners, 0);
        System.arraycopy(values, 0, y, o + start, wo - start);
        System.arraycopy(winners, 0, argmax, o + start, wo - start);
      }
    }
    Pooling.max2x2Row(x, r0, r1, ox, wo, y, o, argmax);
  }

  /** Whether a block of 2x2 windows from output {@code start} reads inside x: two vectors of the lower row from 2 * start. */
  private static boolean blockFits(int r1, int start, int lanes, int length) {
    return r1 + 2 * start + 2 * lanes <= length;
  }

  @Override
  public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to, boolean accumulate) {
    int i = from;
    if (accumulate) {
      for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
        VectorMask<Float> live = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
        FloatVector.fromArray(S, dx, i).add(FloatVector.fromArray(S, dy, i), live).intoArray(dx, i);
      }
      for (; i < to; i++) dx[i] += y[i] > 0f ? dy[i] : 0f;
      return;
    }
    FloatVector zero = FloatVector.zero(S);
    for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
      VectorMask<Float> live = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(S, dy, i), live).intoArray(dx, i);
    }
    for (; i < to; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
  }
}
