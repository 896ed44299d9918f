package dev.hubel.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd3x3}'s transforms on the Vector API. The tile transforms take L tiles at a time
 * (lanes are tiles): the chunk's rows of input are first staged into bands with their zero
 * padding (so no lane needs a bounds check), each lane's patch is then copied from there,
 * transposed, into scratch (position (r, s) of L patches in one vector), and the transform runs as
 * a row pass in place and a column pass that stores whole vectors of V, whose rows run along the
 * tiles. The output transform reads whole vectors
 * of M and writes each tile's outputs out lane by lane. The weight transforms take L channels of
 * one filter at a time. The same sums as the plain loops, in another order (rows before
 * columns), so equal to them within rounding, not to the bit.
 */
final class VectorWinograd implements WinogradKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int T = Winograd3x3.TILE, PT = Winograd3x3.PATCH;
  private static final float Q4 = Winograd3x3.Q4, Q6 = Winograd3x3.Q6, Q12 = Winograd3x3.Q12, Q24 = Winograd3x3.Q24;
  /** Lane i: 9 i, the offsets of one weight position in L consecutive channels' 3x3 filters. */
  private static final int[] NINES = new int[L];

  static {
    for (int i = 0; i < L; i++) NINES[i] = 9 * i;
  }

  @Override
  public void weights(float[] w, int wOff, int filters, int channels, int f0, int f1, float[] u, int uOff, float[] tmp) {
    int block = filters * channels;
    int whole = channels - channels % L;  // a masked gather still checks every lane's index: the rest go plain
    // A filter's 36 transformed rows (36 x channels) are staged in tmp and copied into U's 36
    // blocks a row at a time. Stored straight into U, each vector went to one of 36 places F*C
    // floats apart, a multiple of 4 KB for every layer here, so all of them fell in the same L1
    // sets and evicted each other: 98 us for 64 x 64 weights on one Zen 5 core, against 33 staged.
    int stage = Winograd3x3.WEIGHT_STAGE;
    for (int f = f0; f < f1; f++) {
      Winograd3x3.transformWeights(w, wOff, filters, channels, f, whole, channels, u, uOff, tmp);
      for (int c0 = 0; c0 < whole; c0 += L) {
        int g = wOff + (f * channels + c0) * 9;
        // G g: each column of g, 3 values into 6 rows of tmp (6 x 3 vectors)
        for (int col = 0; col < 3; col++) {
          FloatVector g0 = FloatVector.fromArray(S, w, g + col, NINES, 0);
          FloatVector g1 = FloatVector.fromArray(S, w, g + 3 + col, NINES, 0);
          FloatVector g2 = FloatVector.fromArray(S, w, g + 6 + col, NINES, 0);
          FloatVector sum02 = g0.add(g2);
          g0.mul(Q4).intoArray(tmp, col * L);
          sum02.add(g1).mul(-Q6).intoArray(tmp, (3 + col) * L);
          sum02.sub(g1).mul(-Q6).intoArray(tmp, (6 + col) * L);
          FloatVector outer = g0.mul(Q24).add(g2.mul(Q6)), middle = g1.mul(Q12);
          outer.add(middle).intoArray(tmp, (9 + col) * L);
          outer.sub(middle).intoArray(tmp, (12 + col) * L);
          g2.intoArray(tmp, (15 + col) * L);
        }
        // (G g) G^T: each row, 3 values into 6 positions of U, staged
        int at = stage + c0;
        for (int row = 0; row < PT; row++) {
          FloatVector g0 = FloatVector.fromArray(S, tmp, row * 3 * L);
          FloatVector g1 = FloatVector.fromArray(S, tmp, (row * 3 + 1) * L);
          FloatVector g2 = FloatVector.fromArray(S, tmp, (row * 3 + 2) * L);
          FloatVector sum02 = g0.add(g2), outer = g0.mul(Q24).add(g2.mul(Q6)), middle = g1.mul(Q12);
          int p = at + row * PT * whole;
          g0.mul(Q4).intoArray(tmp, p);
          sum02.add(g1).mul(-Q6).intoArray(tmp, p + whole);
          sum02.sub(g1).mul(-Q6).intoArray(tmp, p + 2 * whole);
          outer.add(middle).intoArray(tmp, p + 3 * whole);
          outer.sub(middle).intoArray(tmp, p + 4 * whole);
          g2.intoArray(tmp, p + 5 * whole);
        }
      }
      for (int xi = 0; xi < PT * PT; xi++) System.arraycopy(tmp, stage + xi * whole, u, uOff + xi * block + f * channels, whole);
    }
  }

  @Override
  public void weightGradient(float[] du, int duOff, int filters, int channels, int f0, int f1, float[] dw, int dwOff,
                             float[] tmp) {
    int block = filters * channels, out = 18 * L, whole = channels - channels % L;
    for (int f = f0; f < f1; f++) {
      // channels past the last whole vector go plain (a mask chosen at run time was boxed: it allocated)
      Winograd3x3.transformWeightGradient(du, duOff, filters, channels, f, whole, channels, dw, dwOff, tmp);
      for (int c0 = 0; c0 < whole; c0 += L) {
        int at = duOff + f * channels + c0;
        // G^T dU: each column of dU, 6 values into 3 rows of tmp (3 x 6 vectors)
        for (int col = 0; col < PT; col++) {
          FloatVector u0 = FloatVector.fromArray(S, du, at + col * block);
          FloatVector u1 = FloatVector.fromArray(S, du, at + (PT + col) * block);
          FloatVector u2 = FloatVector.fromArray(S, du, at + (2 * PT + col) * block);
          FloatVector u3 = FloatVector.fromArray(S, du, at + (3 * PT + col) * block);
          FloatVector u4 = FloatVector.fromArray(S, du, at + (4 * PT + col) * block);
          FloatVector u5 = FloatVector.fromArray(S, du, at + (5 * PT + col) * block);
          // G^T times the column (vectors stay in this method: handed to a helper C2 did not inline, they were boxed)
          FloatVector s12 = u1.add(u2), s34 = u3.add(u4);
          u0.mul(Q4).sub(s12.mul(Q6)).add(s34.mul(Q24)).intoArray(tmp, col * L);
          u2.sub(u1).mul(Q6).add(u3.sub(u4).mul(Q12)).intoArray(tmp, (PT + col) * L);
          s34.sub(s12).mul(Q6).add(u5).intoArray(tmp, (2 * PT + col) * L);
        }
        // (G^T dU) G: each row, 6 values into 3 outputs
        for (int row = 0; row < 3; row++) {
          int r = row * PT * L;
          FloatVector u0 = FloatVector.fromArray(S, tmp, r), u1 = FloatVector.fromArray(S, tmp, r + L);
          FloatVector u2 = FloatVector.fromArray(S, tmp, r + 2 * L), u3 = FloatVector.fromArray(S, tmp, r + 3 * L);
          FloatVector u4 = FloatVector.fromArray(S, tmp, r + 4 * L), u5 = FloatVector.fromArray(S, tmp, r + 5 * L);
          FloatVector s12 = u1.add(u2), s34 = u3.add(u4);
          int o = out + row * 3 * L;
          u0.mul(Q4).sub(s12.mul(Q6)).add(s34.mul(Q24)).intoArray(tmp, o);
          u2.sub(u1).mul(Q6).add(u3.sub(u4).mul(Q12)).intoArray(tmp, o + L);
          s34.sub(s12).mul(Q6).add(u5).intoArray(tmp, o + 2 * L);
        }
        // dw's 3x3 positions lie 9 floats apart per channel: added lane by lane
        int g = dwOff + (f * channels + c0) * 9;
        for (int q = 0; q < L; q++) {
          for (int k = 0; k < 9; k++) dw[g + q * 9 + k] += tmp[out + k * L + q];
        }
      }
    }
  }

  @Override
  public void input(float[] x, int xOff, int imageStride, int channels, int h, int w, int pad, int tilesH, int tilesW,
                    int t0, int count, float[] v, int vOff, int ld, float[] tmp, int tmpOff) {
    // bands wide enough for whole-vector copies of a row (and a vector of zeros after it) past the padding
    int bw = Math.max(T * tilesW + 2, pad + wide(w)), band = PT * bw, firstRow = t0 / tilesW;
    int bands = (t0 + count - 1) / tilesW - firstRow + 1, ldp = Winograd3x3.padded(count);
    int stage = tmpOff + Winograd3x3.POSITIONS * ldp, block = channels * ld;  // after the transposed patches
    int[] origin = patchOrigins(t0, count, tilesW, firstRow, band);
    // every channel stages the same rows into the same places: the padding, never written, stays zero
    Arrays.fill(tmp, stage, stage + bands * band, 0f);
    for (int c = 0; c < channels; c++) {
      stageBands(x, xOff + c * h * w, imageStride, h, w, pad, tilesH, firstRow, bands, PT, bw, tmp, stage);
      // the chunk's patches, transposed: position (r, s) of tile j at tmpOff + (r*6 + s)*ldp + j, so
      // that a vector holds it for L tiles (plain loads and stores in L1; every patch first, so that
      // the vector loads below do not wait on scalar stores still in flight)
      for (int j = 0; j < count; j++) {
        int from = stage + origin[j], to = tmpOff + j;
        for (int r = 0; r < PT; r++, from += bw, to += PT * ldp) {
          tmp[to] = tmp[from];
          tmp[to + ldp] = tmp[from + 1];
          tmp[to + 2 * ldp] = tmp[from + 2];
          tmp[to + 3 * ldp] = tmp[from + 3];
          tmp[to + 4 * ldp] = tmp[from + 4];
          tmp[to + 5 * ldp] = tmp[from + 5];
        }
      }
      for (int jg = 0; jg < count; jg += L) {
        // each row of the patches: 6 values along it, times B, in place
        for (int r = 0; r < PT; r++) {
          int o = tmpOff + r * PT * ldp + jg;
          FloatVector d0 = FloatVector.fromArray(S, tmp, o), d1 = FloatVector.fromArray(S, tmp, o + ldp);
          FloatVector d2 = FloatVector.fromArray(S, tmp, o + 2 * ldp), d3 = FloatVector.fromArray(S, tmp, o + 3 * ldp);
          FloatVector d4 = FloatVector.fromArray(S, tmp, o + 4 * ldp), d5 = FloatVector.fromArray(S, tmp, o + 5 * ldp);
          d0.mul(4f).sub(d2.mul(5f)).add(d4).intoArray(tmp, o);
          FloatVector s12 = d1.add(d2), d12 = d1.sub(d2), s34 = d3.add(d4), d43 = d4.sub(d3);
          FloatVector d42 = d4.sub(d2), d31 = d3.sub(d1).mul(2f);
          s34.sub(s12.mul(4f)).intoArray(tmp, o + ldp);
          d43.add(d12.mul(4f)).intoArray(tmp, o + 2 * ldp);
          d42.add(d31).intoArray(tmp, o + 3 * ldp);
          d42.sub(d31).intoArray(tmp, o + 4 * ldp);
          d1.mul(4f).sub(d3.mul(5f)).add(d5).intoArray(tmp, o + 5 * ldp);
        }
        // each column: 6 values down it, times B^T, into V (whole vectors: rows are padded to them)
        for (int l = 0; l < PT; l++) {
          int at = tmpOff + l * ldp + jg;
          FloatVector d0 = FloatVector.fromArray(S, tmp, at), d1 = FloatVector.fromArray(S, tmp, at + PT * ldp);
          FloatVector d2 = FloatVector.fromArray(S, tmp, at + 2 * PT * ldp);
          FloatVector d3 = FloatVector.fromArray(S, tmp, at + 3 * PT * ldp);
          FloatVector d4 = FloatVector.fromArray(S, tmp, at + 4 * PT * ldp);
          FloatVector d5 = FloatVector.fromArray(S, tmp, at + 5 * PT * ldp);
          FloatVector s12 = d1.add(d2), d12 = d1.sub(d2), s34 = d3.add(d4), d43 = d4.sub(d3);
          FloatVector d42 = d4.sub(d2), d31 = d3.sub(d1).mul(2f);
          int q = vOff + (l * channels + c) * ld + jg, step = PT * block;
          d0.mul(4f).sub(d2.mul(5f)).add(d4).intoArray(v, q);
          s34.sub(s12.mul(4f)).intoArray(v, q + step);
          d43.add(d12.mul(4f)).intoArray(v, q + 2 * step);
          d42.add(d31).intoArray(v, q + 3 * step);
          d42.sub(d31).intoArray(v, q + 4 * step);
          d1.mul(4f).sub(d3.mul(5f)).add(d5).intoArray(v, q + 5 * step);
        }
      }
    }
  }

  /**
   * One plane's rows that a chunk's tiles read, from every image the chunk spans, staged into
   * bands of side rows, bw floats each (band b for tile row firstRow + b, from stage); the padding
   * is left as it is (zero). The plane of image i is at {@code planeOff + i*imageStride}, h x w,
   * padded by pad.
   */
  private static void stageBands(float[] src, int planeOff, int imageStride, int h, int w, int pad, int tilesH,
                                 int firstRow, int bands, int side, int bw, float[] tmp, int stage) {
    for (int b = 0; b < bands; b++) {
      int gr = firstRow + b, plane = planeOff + gr / tilesH * imageStride, iy0 = T * (gr % tilesH) - pad;
      for (int r = Math.max(0, -iy0), end = Math.min(side, h - iy0); r < end; r++) {
        copy(src, plane + (iy0 + r) * w, tmp, stage + (b * side + r) * bw + pad, w);
      }
    }
  }

  /** Whole vectors covering len floats, and the vector of zeros {@link #copy} writes after them. */
  private static int wide(int len) {
    return (len + L - 1) / L * L + L;
  }

  /**
   * dst[to .. to+len) = src[from ..], by whole vectors, then zeros from to+len over what they
   * spilled: dst must have {@link #wide}(len) floats from to. AVX-512's masked stores cost several
   * times a plain one on this machine (Zen 5), and a row of 19 took one each.
   */
  private static void copy(float[] src, int from, float[] dst, int to, int len) {
    int k = 0;
    if (from + (len + L - 1) / L * L <= src.length) {
      for (; k < len; k += L) FloatVector.fromArray(S, src, from + k).intoArray(dst, to + k);
    } else {
      System.arraycopy(src, from, dst, to, len);  // the array's last row: no whole vector past its end
    }
    FloatVector.zero(S).intoArray(dst, to + len);
  }

  /**
   * Per tile of the chunk, where its patch starts in the staged bands (band b holds the rows of
   * tile row firstRow + b).
   */
  private static int[] patchOrigins(int t0, int count, int tilesW, int firstRow, int band) {
    int[] origin = ThreadScratch.ints(count);
    for (int j = 0; j < count; j++) {
      int t = t0 + j;
      origin[j] = (t / tilesW - firstRow) * band + T * (t % tilesW);
    }
    return origin;
  }

  @Override
  public void outputGradient(float[] dy, int dyOff, int imageStride, int rows, int ho, int wo, int tilesH, int tilesW,
                             int t0, int count, float[] dm, int dmOff, int ld, float[] tmp, int tmpOff) {
    int bw = Math.max(T * tilesW, wide(wo)), band = T * bw, firstRow = t0 / tilesW;
    int bands = (t0 + count - 1) / tilesW - firstRow + 1, ldp = Winograd3x3.padded(count);
    int stage = tmpOff + Winograd3x3.POSITIONS * ldp, block = rows * ld;
    int[] origin = patchOrigins(t0, count, tilesW, firstRow, band);
    Arrays.fill(tmp, stage, stage + bands * band, 0f);  // outputs past Ho or Wo: zero for every filter
    for (int f = 0; f < rows; f++) {
      stageBands(dy, dyOff + f * ho * wo, imageStride, ho, wo, 0, tilesH, firstRow, bands, T, bw, tmp, stage);
      // the chunk's tiles of dy, transposed as input's patches (rows of 6 positions, the first 4 used)
      for (int j = 0; j < count; j++) {
        int from = stage + origin[j], to = tmpOff + j;
        for (int r = 0; r < T; r++, from += bw, to += PT * ldp) {
          tmp[to] = tmp[from];
          tmp[to + ldp] = tmp[from + 1];
          tmp[to + 2 * ldp] = tmp[from + 2];
          tmp[to + 3 * ldp] = tmp[from + 3];
        }
      }
      for (int jg = 0; jg < count; jg += L) {
        // each row of the tiles: 4 values along it, times A^T's transpose, into 6 of tmp, in place
        for (int r = 0; r < T; r++) {
          int o = tmpOff + r * PT * ldp + jg;
          FloatVector y0 = FloatVector.fromArray(S, tmp, o), y1 = FloatVector.fromArray(S, tmp, o + ldp);
          FloatVector y2 = FloatVector.fromArray(S, tmp, o + 2 * ldp), y3 = FloatVector.fromArray(S, tmp, o + 3 * ldp);
          FloatVector s02 = y0.add(y2), s13 = y1.add(y3), e = y0.add(y2.mul(4f)), odd = y1.add(y3.mul(4f)).mul(2f);
          y0.intoArray(tmp, o);
          s02.add(s13).intoArray(tmp, o + ldp);
          s02.sub(s13).intoArray(tmp, o + 2 * ldp);
          e.add(odd).intoArray(tmp, o + 3 * ldp);
          e.sub(odd).intoArray(tmp, o + 4 * ldp);
          y3.intoArray(tmp, o + 5 * ldp);
        }
        // each of the 6 columns: 4 values down it into 6 positions of dM (whole vectors, as V)
        for (int l = 0; l < PT; l++) {
          int at = tmpOff + l * ldp + jg;
          FloatVector y0 = FloatVector.fromArray(S, tmp, at), y1 = FloatVector.fromArray(S, tmp, at + PT * ldp);
          FloatVector y2 = FloatVector.fromArray(S, tmp, at + 2 * PT * ldp);
          FloatVector y3 = FloatVector.fromArray(S, tmp, at + 3 * PT * ldp);
          FloatVector s02 = y0.add(y2), s13 = y1.add(y3), e = y0.add(y2.mul(4f)), odd = y1.add(y3.mul(4f)).mul(2f);
          int q = dmOff + (l * rows + f) * ld + jg, step = PT * block;
          y0.intoArray(dm, q);
          s02.add(s13).intoArray(dm, q + step);
          s02.sub(s13).intoArray(dm, q + 2 * step);
          e.add(odd).intoArray(dm, q + 3 * step);
          e.sub(odd).intoArray(dm, q + 4 * step);
          y3.intoArray(dm, q + 5 * step);
        }
      }
    }
  }

  @Override
  public void output(float[] m, int mOff, int ld, int rows, int f0, int t0, int count, int tilesH, int tilesW, float[] y,
                     int imageStride, int ho, int wo, Epilogue finish, boolean accumulate, float[] tmp, int tmpOff) {
    int block = rows * ld, perImage = tilesH * tilesW, plane = ho * wo, out = tmpOff + 24 * L;
    // per tile: where its first output lies (filter 0), and how many rows and columns of it exist
    int[] at = ThreadScratch.ints(2 * count);
    for (int j = 0; j < count; j++) {
      int t = t0 + j, rest = t % perImage, oy = T * (rest / tilesW), ox = T * (rest % tilesW);
      at[j] = t / perImage * imageStride + oy * wo + ox;
      at[count + j] = Math.min(T, ho - oy) * 8 + Math.min(T, wo - ox);
    }
    Winograd3x3.requireNoResidual(finish);
    FloatVector zero = FloatVector.zero(S);
    for (int r = 0; r < rows; r++) {
      float b = finish == null || finish.bias == null ? 0f : finish.bias[finish.first + r];
      boolean normed = finish != null && finish.mean != null, relu = finish != null && finish.relu;
      int f = finish == null ? 0 : finish.first + r;
      float mean = normed ? finish.mean[f] : 0f, scale = normed ? finish.scale[f] : 0f, shift = normed ? finish.shift[f] : 0f;
      int filterPlane = (f0 + r) * plane;
      for (int jg = 0; jg < count; jg += L) {
        // each column of m: 6 values down it, times A^T, into 4 rows of tmp (whole vectors: the
        // rows are padded to them, and lanes past the chunk are never written out)
        for (int s = 0; s < PT; s++) {
          int o = mOff + r * ld + jg + s * block;
          FloatVector m0 = FloatVector.fromArray(S, m, o), m1 = FloatVector.fromArray(S, m, o + PT * block);
          FloatVector m2 = FloatVector.fromArray(S, m, o + 2 * PT * block);
          FloatVector m3 = FloatVector.fromArray(S, m, o + 3 * PT * block);
          FloatVector m4 = FloatVector.fromArray(S, m, o + 4 * PT * block);
          FloatVector m5 = FloatVector.fromArray(S, m, o + 5 * PT * block);
          FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
          int q = tmpOff + s * L;
          m0.add(s12).add(s34).intoArray(tmp, q);
          d12.add(d34.mul(2f)).intoArray(tmp, q + PT * L);
          s12.add(s34.mul(4f)).intoArray(tmp, q + 2 * PT * L);
          d12.add(d34.mul(8f)).add(m5).intoArray(tmp, q + 3 * PT * L);
        }
        // each row: 6 values along it into the tile's 4 outputs
        for (int row = 0; row < T; row++) {
          int o = tmpOff + row * PT * L;
          FloatVector m0 = FloatVector.fromArray(S, tmp, o), m1 = FloatVector.fromArray(S, tmp, o + L);
          FloatVector m2 = FloatVector.fromArray(S, tmp, o + 2 * L), m3 = FloatVector.fromArray(S, tmp, o + 3 * L);
          FloatVector m4 = FloatVector.fromArray(S, tmp, o + 4 * L), m5 = FloatVector.fromArray(S, tmp, o + 5 * L);
          FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
          int q = out + row * T * L;
          FloatVector y0 = m0.add(s12).add(s34).add(b), y1 = d12.add(d34.mul(2f)).add(b);
          FloatVector y2 = s12.add(s34.mul(4f)).add(b), y3 = d12.add(d34.mul(8f)).add(m5).add(b);
          if (normed) {  // the epilogue after the bias: Epilogue.finishBiased's roundings
            y0 = y0.sub(mean).mul(scale).add(shift);
            y1 = y1.sub(mean).mul(scale).add(shift);
            y2 = y2.sub(mean).mul(scale).add(shift);
            y3 = y3.sub(mean).mul(scale).add(shift);
          }
          if (relu) {
            y0 = y0.max(zero);
            y1 = y1.max(zero);
            y2 = y2.max(zero);
            y3 = y3.max(zero);
          }
          y0.intoArray(tmp, q);
          y1.intoArray(tmp, q + L);
          y2.intoArray(tmp, q + 2 * L);
          y3.intoArray(tmp, q + 3 * L);
        }
        // tiles land 4 columns apart, and rows and images break the runs: lane by lane
        for (int q = 0, lanes = Math.min(L, count - jg); q < lanes; q++) {
          int j = jg + q, base = at[j] + filterPlane, rowsOut = at[count + j] >> 3, colsOut = at[count + j] & 7;
          if (rowsOut == T && colsOut == T) {
            // a whole tile (most of them): straight-line stores, no loops of four
            int from = out + q;
            for (int row = 0; row < T; row++, from += T * L) {
              int to = base + row * wo;
              if (accumulate) {
                y[to] += tmp[from];
                y[to + 1] += tmp[from + L];
                y[to + 2] += tmp[from + 2 * L];
                y[to + 3] += tmp[from + 3 * L];
              } else {
                y[to] = tmp[from];
                y[to + 1] = tmp[from + L];
                y[to + 2] = tmp[from + 2 * L];
                y[to + 3] = tmp[from + 3 * L];
              }
            }
            continue;
          }
          for (int row = 0; row < rowsOut; row++) {
            int to = base + row * wo, from = out + row * T * L + q;
            if (accumulate) {
              for (int col = 0; col < colsOut; col++) y[to + col] += tmp[from + col * L];
            } else {
              for (int col = 0; col < colsOut; col++) y[to + col] = tmp[from + col * L];
            }
          }
        }
      }
    }
  }
}
