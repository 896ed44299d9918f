package dev.hubel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NhwcWinogradKernel} on the Vector API; loaded by name only when the module is present.
 * The transforms run along vectors of channels (input) and of filters (output), the same
 * arithmetic in every lane, each in two passes of six through a 6x6 of vectors in scratch; the
 * 36 products are {@link VectorNhwcSums}' register tiles over rows of V. The chunk's scratch:
 * V (36 blocks of rows x C), M (36 blocks of rows x the filters in hand), two 6x6s of vectors.
 */
final class VectorNhwcWinograd implements NhwcWinogradKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int ROWS = NhwcConvolution.TILE_ROWS;
  private static final int P = 6, XI = Winograd3x3.POSITIONS, T = Winograd3x3.TILE;

  @Override
  public void chunk(NhwcWinograd job, int t0, int count, int b0, int b1) {
    int c = job.channels, rows = (count + ROWS - 1) / ROWS * ROWS;
    int f0 = job.blockStart[b0], width = job.blockStart[b1] - f0;
    int vSize = XI * rows * c, mSize = XI * rows * width;
    float[] s = ThreadScratch.floats(vSize + mSize + 2 * XI * L);
    int mOff = vSize, tOff = vSize + mSize;
    for (int j = 0; j < count; j++) input(job, t0 + j, s, j * c, rows * c, s, tOff);
    for (int xi = 0; xi < XI; xi++) {
      products(job, xi, count, s, xi * rows * c, s, mOff + xi * rows * width, width, b0, b1);
    }
    for (int j = 0; j < count; j++) output(job, t0 + j, s, mOff + j * width, rows * width, f0, width, s, tOff);
  }

  @Override
  public void inputs(NhwcWinograd job, int base, int j0, int j1, float[] v, int rows) {
    float[] tmp = ThreadScratch.floats(2 * XI * L);
    int c = job.channels;
    for (int j = j0; j < j1; j++) input(job, base + j, v, j * c, rows * c, tmp, 0);
  }

  @Override
  public void products(NhwcWinograd job, int xi, int j0, int j1, float[] v, float[] m, int rows) {
    int c = job.channels, f = job.filters;
    products(job, xi, j1 - j0, v, (xi * rows + j0) * c, m, (xi * rows + j0) * f, f, 0, job.blockStart.length - 1);
  }

  @Override
  public void outputs(NhwcWinograd job, int base, int j0, int j1, float[] m, int rows) {
    float[] tmp = ThreadScratch.floats(2 * XI * L);
    int f = job.filters;
    for (int j = j0; j < j1; j++) output(job, base + j, m, j * f, rows * f, 0, f, tmp, 0);
  }

  /**
   * V = B^T d B for tile t, channel vector by channel vector: position xi's row at
   * {@code v[at + xi * block + channel]}. A patch that reaches outside the image is copied first,
   * with zeros there, into tmp's second 6x6 of vectors; one inside it is read in place.
   */
  private static void input(NhwcWinograd job, int t, float[] v, int at, int block, float[] tmp, int tOff) {
    Nhwc in = job.in;
    int perImage = job.tilesH * job.tilesW, b = t / perImage, r = t - b * perImage, ty = r / job.tilesW;
    int iy0 = T * ty - job.pad, ix0 = T * (r - ty * job.tilesW) - job.pad;
    int rowMask = 0, colMask = 0;
    for (int i = 0; i < P; i++) {
      if (iy0 + i >= 0 && iy0 + i < in.h()) rowMask |= 1 << i;
      if (ix0 + i >= 0 && ix0 + i < in.w()) colMask |= 1 << i;
    }
    boolean inside = rowMask == (1 << P) - 1 && colMask == rowMask;
    int c = in.c(), rowStride = in.rowStride(), patch = tOff + XI * L;
    // the patch's top left, possibly outside the array's border: only cells inside the image are read
    int base = in.offset(b, 0, 0) + iy0 * rowStride + ix0 * c;
    float[] x = job.x;
    for (int cv = 0; cv < c; cv += L) {
      if (!inside) copyPatch(x, base + cv, rowStride, c, rowMask, colMask, tmp, patch);
      // B^T d: down each column of the patch, into tmp's rows (row k, column col at (k * 6 + col) * L)
      for (int col = 0; col < P; col++) {
        if (inside) {
          inputSix(x, base + col * c + cv, rowStride, tmp, tOff + col * L, P * L);
        } else {
          inputSix(tmp, patch + col * L, P * L, tmp, tOff + col * L, P * L);
        }
      }
      // (B^T d) B: along each row of tmp, into V's positions k * 6 .. k * 6 + 5
      for (int k = 0; k < P; k++) inputSix(tmp, tOff + k * P * L, L, v, at + k * P * block + cv, block);
    }
  }

  /** The 6x6 patch of one channel vector from x (its top left at {@code o}) into p, zero where a mask bit is clear. */
  private static void copyPatch(float[] x, int o, int rowStride, int c, int rowMask, int colMask, float[] p, int at) {
    FloatVector zero = FloatVector.zero(S);
    for (int i = 0; i < P; i++) {
      for (int j = 0; j < P; j++) {
        boolean in = (rowMask >> i & 1) != 0 && (colMask >> j & 1) != 0;
        (in ? FloatVector.fromArray(S, x, o + i * rowStride + j * c) : zero).intoArray(p, at + (i * P + j) * L);
      }
    }
  }

  /**
   * B^T times the six vectors {@code a[at + i * step]}, into {@code d[to + i * dStep]}. Vectors go
   * in and out through arrays, not parameters: C2 does not always inline a method this size, and
   * a vector handed to one it does not is boxed (the kernel ran 5x slower when that happened).
   */
  private static void inputSix(float[] a, int at, int step, float[] d, int to, int dStep) {
    FloatVector d0 = FloatVector.fromArray(S, a, at), d1 = FloatVector.fromArray(S, a, at + step);
    FloatVector d2 = FloatVector.fromArray(S, a, at + 2 * step), d3 = FloatVector.fromArray(S, a, at + 3 * step);
    FloatVector d4 = FloatVector.fromArray(S, a, at + 4 * step), d5 = FloatVector.fromArray(S, a, at + 5 * step);
    FloatVector d42 = d4.sub(d2), d31 = d3.sub(d1);
    d0.mul(4f).add(d4).sub(d2.mul(5f)).intoArray(d, to);
    d3.add(d4).sub(d1.add(d2).mul(4f)).intoArray(d, to + dStep);
    d4.sub(d3).add(d1.sub(d2).mul(4f)).intoArray(d, to + 2 * dStep);
    d42.add(d31.mul(2f)).intoArray(d, to + 3 * dStep);
    d42.sub(d31.mul(2f)).intoArray(d, to + 4 * dStep);
    d1.mul(4f).add(d5).sub(d3.mul(5f)).intoArray(d, to + 5 * dStep);
  }

  /**
   * M[xi] = V[xi] . U[xi] for count tiles (V's rows from {@code vAt}, C apart; M's from
   * {@code mAt}, mStride apart, its columns the filters from block b0's first) and filter blocks
   * b0..b1-1, register tile by register tile; a part tile repeats its last row (worked, its sums
   * written to the spare rows M must have up to a multiple of 7).
   */
  private static void products(NhwcWinograd job, int xi, int count, float[] v, int vAt, float[] m, int mAt,
                               int mStride, int b0, int b1) {
    int c = job.channels, f0 = job.blockStart[b0];
    float[] u = job.packed;
    for (int b = b0; b < b1; b++) {
      int fb = job.blockStart[b], bw = job.blockStart[b + 1] - fb, w = xi * c * job.filters + fb * c;
      for (int j0 = 0; j0 < count; j0 += ROWS) {
        int a = vAt + j0 * c, last = count - 1 - j0;
        int a1 = a + Math.min(1, last) * c, a2 = a + Math.min(2, last) * c, a3 = a + Math.min(3, last) * c;
        int a4 = a + Math.min(4, last) * c, a5 = a + Math.min(5, last) * c, a6 = a + Math.min(6, last) * c;
        int o = mAt + j0 * mStride + fb - f0;
        if (bw == 2 * L) {
          VectorNhwcSums.sums2(v, a, a1, a2, a3, a4, a5, a6, c, 0, u, w, 0, c, m, o, mStride);
        } else {
          VectorNhwcSums.sums1(v, a, a1, a2, a3, a4, a5, a6, c, 0, u, w, 0, c, m, o, mStride);
        }
      }
    }
  }

  /**
   * y = A^T m A for tile t and the filters f0..f0+width-1, vector by vector (position xi's row of
   * M at {@code m[at + xi * block]}), then the bias, residual and ReLU; outputs past the map dropped.
   */
  private static void output(NhwcWinograd job, int t, float[] m, int at, int block, int f0, int width, float[] tmp,
                             int tOff) {
    Nhwc out = job.out, rl = job.residualLayout;
    int perImage = job.tilesH * job.tilesW, b = t / perImage, r = t - b * perImage, ty = r / job.tilesW;
    int oy0 = T * ty, ox0 = T * (r - ty * job.tilesW);
    int rowsOut = Math.min(T, out.h() - oy0), colsOut = Math.min(T, out.w() - ox0);
    for (int fv = 0; fv < width; fv += L) {
      // A^T m: down each column of the 6x6, four rows into tmp (row k, column col at (k * 6 + col) * L)
      for (int col = 0; col < P; col++) outputColumn(m, at + col * block + fv, P * block, tmp, tOff + col * L);
      // (A^T m) A: along each row, four outputs, finished and stored where they fall in the map
      for (int row = 0; row < rowsOut; row++) {
        int yo = out.offset(b, oy0 + row, ox0) + f0 + fv;
        int ro = job.residual == null ? 0 : rl.offset(b, oy0 + row, ox0) + f0 + fv;
        outputRow(job, tmp, tOff + row * P * L, f0 + fv, yo, ro, colsOut);
      }
    }
  }

  /** A^T times the six vectors {@code m[at + i * step]}, into tmp's rows 0..3 (6 vectors apart) from {@code to}. */
  private static void outputColumn(float[] m, int at, int step, float[] tmp, int to) {
    FloatVector m0 = FloatVector.fromArray(S, m, at), m1 = FloatVector.fromArray(S, m, at + step);
    FloatVector m2 = FloatVector.fromArray(S, m, at + 2 * step), m3 = FloatVector.fromArray(S, m, at + 3 * step);
    FloatVector m4 = FloatVector.fromArray(S, m, at + 4 * step), m5 = FloatVector.fromArray(S, m, at + 5 * step);
    FloatVector sum12 = m1.add(m2), diff12 = m1.sub(m2), sum34 = m3.add(m4), diff34 = m3.sub(m4);
    m0.add(sum12).add(sum34).intoArray(tmp, to);
    diff12.add(diff34.mul(2f)).intoArray(tmp, to + P * L);
    sum12.add(sum34.mul(4f)).intoArray(tmp, to + 2 * P * L);
    diff12.add(diff34.mul(8f)).add(m5).intoArray(tmp, to + 3 * P * L);
  }

  /**
   * One row of a tile's outputs: A^T times the six vectors of tmp from {@code at}, plus the bias
   * (from filter {@code f}), the residual (from {@code ro}) and the ReLU, the first cols of the
   * four stored at y from {@code yo}, one pixel apart.
   */
  private static void outputRow(NhwcWinograd job, float[] tmp, int at, int f, int yo, int ro, int cols) {
    FloatVector m0 = FloatVector.fromArray(S, tmp, at), m1 = FloatVector.fromArray(S, tmp, at + L);
    FloatVector m2 = FloatVector.fromArray(S, tmp, at + 2 * L), m3 = FloatVector.fromArray(S, tmp, at + 3 * L);
    FloatVector m4 = FloatVector.fromArray(S, tmp, at + 4 * L), m5 = FloatVector.fromArray(S, tmp, at + 5 * L);
    FloatVector bias = FloatVector.fromArray(S, job.bias, f);
    FloatVector sum12 = m1.add(m2), diff12 = m1.sub(m2), sum34 = m3.add(m4), diff34 = m3.sub(m4);
    FloatVector y0 = m0.add(sum12).add(sum34).add(bias), y1 = diff12.add(diff34.mul(2f)).add(bias);
    FloatVector y2 = sum12.add(sum34.mul(4f)).add(bias), y3 = diff12.add(diff34.mul(8f)).add(m5).add(bias);
    float[] y = job.y, res = job.residual;
    int c = job.out.c();
    if (res != null) {
      int rc = job.residualLayout.c();
      y0 = y0.add(FloatVector.fromArray(S, res, ro));
      if (cols > 1) y1 = y1.add(FloatVector.fromArray(S, res, ro + rc));
      if (cols > 2) y2 = y2.add(FloatVector.fromArray(S, res, ro + 2 * rc));
      if (cols > 3) y3 = y3.add(FloatVector.fromArray(S, res, ro + 3 * rc));
    }
    if (job.relu) {
      FloatVector zero = FloatVector.zero(S);
      y0 = y0.max(zero);
      y1 = y1.max(zero);
      y2 = y2.max(zero);
      y3 = y3.max(zero);
    }
    y0.intoArray(y, yo);
    if (cols > 1) y1.intoArray(y, yo + c);
    if (cols > 2) y2.intoArray(y, yo + 2 * c);
    if (cols > 3) y3.intoArray(y, yo + 3 * c);
  }
}
