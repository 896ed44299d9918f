package dev.hubel.kernel;

/**
 * Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray, 2015; interpolation points 0, 1,
 * -1, 2, -2) for 3x3 convolutions at stride 1: each 4x4 block of output ("tile") comes from a 6x6
 * patch of input with 36 multiplies per channel pair instead of 144, a quarter. Across channels
 * the 36 multiplies become 36 independent matrix products, one per position xi of the 6x6
 * transformed patch:
 *
 * <pre>
 *   U[xi] (F x C)  = G g G^T        for each filter f and channel c (weights g, 3x3)
 *   V[xi] (C x T)  = B^T d B        for each channel c and tile t (input patch d, 6x6)
 *   M[xi] (F x T)  = U[xi] . V[xi]  (the GEMM)
 *   y tile (4x4)   = A^T m A        for each filter f and tile t (m: the 36 values M[.][f][t])
 *
 *   B^T = | 4  0 -5  0  1  0 |    G = |  1/4     0     0  |    A^T = | 1  1  1  1  1  0 |
 *         | 0 -4 -4  1  1  0 |        | -1/6  -1/6  -1/6  |          | 0  1 -1  2 -2  0 |
 *         | 0  4 -4 -1  1  0 |        | -1/6   1/6  -1/6  |          | 0  1  1  4  4  0 |
 *         | 0 -2 -1  2  1  0 |        |  1/24  1/12  1/6  |          | 0  1 -1  8 -8  1 |
 *         | 0  2 -1 -2  1  0 |        |  1/24 -1/12  1/6  |
 *         | 0  4  0 -5  0  1 |        |  0     0     1    |
 * </pre>
 *
 * The weight gradient runs the same algebra backwards: the output gradient of a tile goes to the
 * 36 positions as dM = A dy A^T, dU[xi] (F x C) = sum over tiles of dM[xi] . V[xi]^T, and
 * dw = G^T dU G. Results differ from the direct sum by rounding only, several times more of it
 * than im2col's (the transforms scale values by up to 100 and back); tests bound it.
 *
 * <p>Layouts: U is 36 blocks of F x C (block xi at {@code xi*F*C}); a chunk of T tiles has V as 36
 * blocks of C x T and M as 36 blocks of rows x T. Tile t of an image of Ho x Wo outputs covers
 * output rows 4*ty .. 4*ty+3 and columns 4*tx .. 4*tx+3 (tiles per row: ceil(Wo/4)), reading
 * input rows 4*ty - pad .. 4*ty - pad + 5 (outside the image: zero); outputs past Ho or Wo are
 * computed and dropped.
 */
public final class Winograd3x3 {
  private Winograd3x3() {}

  /** Outputs per tile side. */
  public static final int TILE = 4;
  /** Inputs per patch side. */
  static final int PATCH = 6;
  /** Positions of the transformed patch: 6 x 6. */
  public static final int POSITIONS = PATCH * PATCH;

  /** G's fractions, as factors (a multiply, not a divide, per use). */
  static final float Q4 = 0.25f, Q6 = 1f / 6, Q12 = 1f / 12, Q24 = 1f / 24;

  /** count rounded up to whole vectors of 16 floats: the row length V, dM and M need for a chunk of count tiles. */
  public static int padded(int count) {
    return (count + 15) & ~15;
  }

  /** Tiles along an output side of {@code size}. */
  public static int tiles(int size) {
    return (size + TILE - 1) / TILE;
  }

  /**
   * U for filters f0 .. f1 of one group: weights w (F x C x 3 x 3 from wOff) into 36 blocks of
   * F x C from uOff, block xi at {@code uOff + xi*F*C}. t: 18 floats of scratch (G g, 6 x 3).
   */
  public static void transformWeights(float[] w, int wOff, int filters, int channels, int f0, int f1, float[] u,
                                      int uOff, float[] t) {
    for (int f = f0; f < f1; f++) transformWeights(w, wOff, filters, channels, f, 0, channels, u, uOff, t);
  }

  /** {@link #transformWeights} for filter f's channels c0 .. c1 alone. */
  static void transformWeights(float[] w, int wOff, int filters, int channels, int f, int c0, int c1, float[] u, int uOff,
                               float[] t) {
    int block = filters * channels;
    for (int c = c0; c < c1; c++) {
      int g = wOff + (f * channels + c) * 9, at = uOff + f * channels + c;
      for (int col = 0; col < 3; col++) {
        float g0 = w[g + col], g1 = w[g + 3 + col], g2 = w[g + 6 + col];
        t[col] = g0 * Q4;
        t[3 + col] = -(g0 + g1 + g2) * Q6;
        t[6 + col] = -(g0 - g1 + g2) * Q6;
        t[9 + col] = g0 * Q24 + g1 * Q12 + g2 * Q6;
        t[12 + col] = g0 * Q24 - g1 * Q12 + g2 * Q6;
        t[15 + col] = g2;
      }
      for (int row = 0; row < PATCH; row++) {
        float g0 = t[row * 3], g1 = t[row * 3 + 1], g2 = t[row * 3 + 2];
        int p = (row * PATCH) * block + at;
        u[p] = g0 * Q4;
        u[p + block] = -(g0 + g1 + g2) * Q6;
        u[p + 2 * block] = -(g0 - g1 + g2) * Q6;
        u[p + 3 * block] = g0 * Q24 + g1 * Q12 + g2 * Q6;
        u[p + 4 * block] = g0 * Q24 - g1 * Q12 + g2 * Q6;
        u[p + 5 * block] = g2;
      }
    }
  }

  /**
   * dw += G^T dU G for filters f0 .. f1 of one group: dU is 36 blocks of F x C from duOff (block
   * xi at {@code duOff + xi*F*C}), dw is F x C x 3 x 3 from dwOff. t: 18 floats of scratch (G^T dU, 3 x 6).
   */
  public static void transformWeightGradient(float[] du, int duOff, int filters, int channels, int f0, int f1,
                                    float[] dw, int dwOff, float[] t) {
    for (int f = f0; f < f1; f++) transformWeightGradient(du, duOff, filters, channels, f, 0, channels, dw, dwOff, t);
  }

  /** {@link #transformWeightGradient} for filter f's channels c0 .. c1 alone. */
  static void transformWeightGradient(float[] du, int duOff, int filters, int channels, int f, int c0, int c1,
                                      float[] dw, int dwOff, float[] t) {
    int block = filters * channels;
    for (int c = c0; c < c1; c++) {
      int at = duOff + f * channels + c, g = dwOff + (f * channels + c) * 9;
      for (int col = 0; col < PATCH; col++) {
        float u0 = du[at + col * block], u1 = du[at + (PATCH + col) * block], u2 = du[at + (2 * PATCH + col) * block];
        float u3 = du[at + (3 * PATCH + col) * block], u4 = du[at + (4 * PATCH + col) * block];
        float u5 = du[at + (5 * PATCH + col) * block];
        t[col] = u0 * Q4 - (u1 + u2) * Q6 + (u3 + u4) * Q24;
        t[PATCH + col] = (u2 - u1) * Q6 + (u3 - u4) * Q12;
        t[2 * PATCH + col] = (u3 + u4 - u1 - u2) * Q6 + u5;
      }
      for (int row = 0; row < 3; row++) {
        int r = row * PATCH;
        float u0 = t[r], u1 = t[r + 1], u2 = t[r + 2], u3 = t[r + 3], u4 = t[r + 4], u5 = t[r + 5];
        dw[g + row * 3] += u0 * Q4 - (u1 + u2) * Q6 + (u3 + u4) * Q24;
        dw[g + row * 3 + 1] += (u2 - u1) * Q6 + (u3 - u4) * Q12;
        dw[g + row * 3 + 2] += (u3 + u4 - u1 - u2) * Q6 + u5;
      }
    }
  }

  /**
   * V for tiles t0 .. t0+count of a batch (tile numbers run over images, then tile rows, then
   * tiles): {@code v[vOff + (xi*C + c)*ld + j]} for tile t0 + j (ld >= count). x is the batch (N x C x H x W,
   * image i's channel block from {@code i*imageStride + xOff}). tmp: 36 floats from tmpOff.
   */
  public static void transformInput(float[] x, int xOff, int imageStride, int channels, int h, int w, int pad,
                                    int tilesH, int tilesW, int t0, int count, float[] v, int vOff, int ld,
                                    float[] tmp, int tmpOff) {
    int perImage = tilesH * tilesW, block = channels * ld;
    for (int c = 0; c < channels; c++) {
      for (int j = 0; j < count; j++) {
        int t = t0 + j, image = t / perImage, rest = t % perImage;
        int iy0 = TILE * (rest / tilesW) - pad, ix0 = TILE * (rest % tilesW) - pad;
        int plane = xOff + image * imageStride + c * h * w;
        loadPatch(x, plane, h, w, iy0, ix0, tmp, tmpOff);
        // B^T d: each column, in place
        for (int s = 0; s < PATCH; s++) inputColumn(tmp, tmpOff + s, PATCH);
        // (B^T d) B: each row, written out
        int o = vOff + c * ld + j;
        for (int r = 0; r < PATCH; r++) {
          int p = tmpOff + r * PATCH;
          float d0 = tmp[p], d1 = tmp[p + 1], d2 = tmp[p + 2], d3 = tmp[p + 3], d4 = tmp[p + 4], d5 = tmp[p + 5];
          int q = o + r * PATCH * block;
          v[q] = 4 * d0 - 5 * d2 + d4;
          v[q + block] = (d3 + d4) - 4 * (d1 + d2);
          v[q + 2 * block] = (d4 - d3) + 4 * (d1 - d2);
          v[q + 3 * block] = (d4 - d2) + 2 * (d3 - d1);
          v[q + 4 * block] = (d4 - d2) - 2 * (d3 - d1);
          v[q + 5 * block] = 4 * d1 - 5 * d3 + d5;
        }
      }
    }
  }

  /** The 6x6 patch from (iy0, ix0) of a plane h x w into tmp, row by row; zero outside the plane. */
  private static void loadPatch(float[] x, int plane, int h, int w, int iy0, int ix0, float[] tmp, int tmpOff) {
    if (iy0 >= 0 && ix0 >= 0 && iy0 + PATCH <= h && ix0 + PATCH <= w) {
      for (int r = 0; r < PATCH; r++) System.arraycopy(x, plane + (iy0 + r) * w + ix0, tmp, tmpOff + r * PATCH, PATCH);
      return;
    }
    for (int r = 0; r < PATCH; r++) {
      int iy = iy0 + r;
      for (int s = 0; s < PATCH; s++) {
        int ix = ix0 + s;
        tmp[tmpOff + r * PATCH + s] = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[plane + iy * w + ix];
      }
    }
  }

  /** B^T times the six values a[at + i*step], in place. */
  private static void inputColumn(float[] a, int at, int step) {
    float d0 = a[at], d1 = a[at + step], d2 = a[at + 2 * step], d3 = a[at + 3 * step], d4 = a[at + 4 * step];
    float d5 = a[at + 5 * step];
    a[at] = 4 * d0 - 5 * d2 + d4;
    a[at + step] = (d3 + d4) - 4 * (d1 + d2);
    a[at + 2 * step] = (d4 - d3) + 4 * (d1 - d2);
    a[at + 3 * step] = (d4 - d2) + 2 * (d3 - d1);
    a[at + 4 * step] = (d4 - d2) - 2 * (d3 - d1);
    a[at + 5 * step] = 4 * d1 - 5 * d3 + d5;
  }

  /**
   * The output gradient's half of the weight gradient: dM for filters 0 .. rows and tiles
   * t0 .. t0+count, {@code dm[dmOff + (xi*rows + r)*count + j] = (A dy A^T)[xi]} of tile t0 + j,
   * dy of the tile's outputs past Ho or Wo being zero. dy is the batch's output gradient (image i's
   * filter f at {@code dyOff + i*imageStride + f*ho*wo}). tmp: 36 floats from tmpOff.
   */
  public static void transformOutputGradient(float[] dy, int dyOff, int imageStride, int rows, int ho, int wo,
                                             int tilesH, int tilesW, int t0, int count, float[] dm, int dmOff,
                                             int ld, float[] tmp, int tmpOff) {
    int perImage = tilesH * tilesW, block = rows * ld;
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < count; j++) {
        int t = t0 + j, image = t / perImage, rest = t % perImage;
        int oy = TILE * (rest / tilesW), ox = TILE * (rest % tilesW);
        int plane = dyOff + image * imageStride + r * ho * wo;
        // A dy: each of the 4 columns of the tile, 4 values into 6 rows of tmp
        for (int s = 0; s < TILE; s++) {
          float y0 = at(dy, plane, ho, wo, oy, ox + s), y1 = at(dy, plane, ho, wo, oy + 1, ox + s);
          float y2 = at(dy, plane, ho, wo, oy + 2, ox + s), y3 = at(dy, plane, ho, wo, oy + 3, ox + s);
          int p = tmpOff + s;
          tmp[p] = y0;
          tmp[p + PATCH] = y0 + y1 + y2 + y3;
          tmp[p + 2 * PATCH] = y0 - y1 + y2 - y3;
          tmp[p + 3 * PATCH] = y0 + 2 * y1 + 4 * y2 + 8 * y3;
          tmp[p + 4 * PATCH] = y0 - 2 * y1 + 4 * y2 - 8 * y3;
          tmp[p + 5 * PATCH] = y3;
        }
        // (A dy) A^T: each of the 6 rows, 4 values into 6 positions
        int o = dmOff + r * ld + j;
        for (int row = 0; row < PATCH; row++) {
          int p = tmpOff + row * PATCH;
          float y0 = tmp[p], y1 = tmp[p + 1], y2 = tmp[p + 2], y3 = tmp[p + 3];
          int q = o + row * PATCH * block;
          dm[q] = y0;
          dm[q + block] = y0 + y1 + y2 + y3;
          dm[q + 2 * block] = y0 - y1 + y2 - y3;
          dm[q + 3 * block] = y0 + 2 * y1 + 4 * y2 + 8 * y3;
          dm[q + 4 * block] = y0 - 2 * y1 + 4 * y2 - 8 * y3;
          dm[q + 5 * block] = y3;
        }
      }
    }
  }

  private static float at(float[] x, int plane, int h, int w, int iy, int ix) {
    return iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[plane + iy * w + ix];
  }

  /**
   * y from M for filters f0 .. f0+rows (M's rows) and tiles t0 .. t0+count: {@code m[mOff + (xi*rows + r)*ld + j]}.
   * y is the batch's output (image i's filter f at {@code i*imageStride + f*ho*wo}). finish, or
   * null, finishes each output as it is written: M's row r takes its row {@code first + r}, so its
   * bias (0 without one, added all the same, as a pass without the epilogue does), then its norm
   * and ReLU; a residual it cannot add. With accumulate, y += the tiles (a gradient that other
   * consumers add to) and finish must be null. tmp: 24 floats from tmpOff.
   */
  public static void transformOutput(float[] m, int mOff, int ld, int rows, int f0, int t0, int count, int tilesH,
                                     int tilesW, float[] y, int imageStride, int ho, int wo, Epilogue finish,
                                     boolean accumulate, float[] tmp, int tmpOff) {
    int perImage = tilesH * tilesW, block = rows * ld;
    requireNoResidual(finish);
    for (int r = 0; r < rows; r++) {
      float b = finish == null || finish.bias == null ? 0f : finish.bias[finish.first + r];
      Epilogue after = finish == null || finish.mean == null && !finish.relu ? null : finish;  // norm, ReLU
      for (int j = 0; j < count; j++) {
        int t = t0 + j, image = t / perImage, rest = t % perImage;
        int oy = TILE * (rest / tilesW), ox = TILE * (rest % tilesW);
        int o = mOff + r * ld + j;
        // A^T m: each of the 6 columns of m, 6 values into 4 rows of tmp (4 x 6)
        for (int s = 0; s < PATCH; s++) {
          float m0 = m[o + s * block], m1 = m[o + (PATCH + s) * block], m2 = m[o + (2 * PATCH + s) * block];
          float m3 = m[o + (3 * PATCH + s) * block], m4 = m[o + (4 * PATCH + s) * block];
          float m5 = m[o + (5 * PATCH + s) * block];
          float sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
          tmp[tmpOff + s] = m0 + sum12 + sum34;
          tmp[tmpOff + PATCH + s] = diff12 + 2 * diff34;
          tmp[tmpOff + 2 * PATCH + s] = sum12 + 4 * sum34;
          tmp[tmpOff + 3 * PATCH + s] = diff12 + 8 * diff34 + m5;
        }
        int rowsOut = Math.min(TILE, ho - oy), colsOut = Math.min(TILE, wo - ox);
        int at = image * imageStride + (f0 + r) * ho * wo + oy * wo + ox;
        for (int row = 0; row < rowsOut; row++) {
          int p = tmpOff + row * PATCH;
          float m0 = tmp[p], m1 = tmp[p + 1], m2 = tmp[p + 2], m3 = tmp[p + 3], m4 = tmp[p + 4], m5 = tmp[p + 5];
          float sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
          float y0 = m0 + sum12 + sum34 + b, y1 = diff12 + 2 * diff34 + b;
          float y2 = sum12 + 4 * sum34 + b, y3 = diff12 + 8 * diff34 + m5 + b;
          if (after != null) {  // the bias is in: the rest of the epilogue (its bias step off)
            y0 = after.finishBiased(r, y0);
            y1 = after.finishBiased(r, y1);
            y2 = after.finishBiased(r, y2);
            y3 = after.finishBiased(r, y3);
          }
          int q = at + row * wo;
          if (accumulate) {
            y[q] += y0;
            if (colsOut > 1) y[q + 1] += y1;
            if (colsOut > 2) y[q + 2] += y2;
            if (colsOut > 3) y[q + 3] += y3;
          } else {
            y[q] = y0;
            if (colsOut > 1) y[q + 1] = y1;
            if (colsOut > 2) y[q + 2] = y2;
            if (colsOut > 3) y[q + 3] = y3;
          }
        }
      }
    }
  }

  static void requireNoResidual(Epilogue finish) {
    if (finish != null && finish.residual != null) {
      throw new IllegalArgumentException("Winograd's output transform cannot add a residual");
    }
  }

  /**
   * Floats of tmp the fast transforms ({@link #input}, {@link #output}, ...) need for a chunk of
   * count tiles of an image tilesW tiles wide: the vector versions stage the rows of
   * input the chunk's tiles read (with their zero padding, and room for whole vectors), and keep
   * the chunk's patches, transposed.
   */
  public static int scratch(int count, int tilesW) {
    int bands = (count + tilesW - 1) / tilesW + 1;
    return Math.max(48 * 16, POSITIONS * padded(count)) + bands * PATCH * (TILE * tilesW + 40);
  }

  /** Floats of scratch {@link #weights} needs for {@code channels} channels a group. */
  public static int weightScratch(int channels) {
    return WEIGHT_STAGE + POSITIONS * channels;
  }

  /** Where in {@link #weights}' scratch the vector kernel stages a filter's 36 rows (after G g). */
  static final int WEIGHT_STAGE = 48 * 16;

  /**
   * As {@link #transformWeights}, for filters f0 .. f1 alone, with the fastest kernel this JVM
   * has; t holds {@link #weightScratch} floats.
   */
  public static void weights(float[] w, int wOff, int filters, int channels, int f0, int f1, float[] u, int uOff,
                             float[] t) {
    Kernels.WINOGRAD.weights(w, wOff, filters, channels, f0, f1, u, uOff, t);
  }

  /** As {@link #transformWeightGradient}, with the fastest kernel this JVM has; t holds 36 * 16 floats. */
  public static void weightGradient(float[] du, int duOff, int filters, int channels, int f0, int f1, float[] dw,
                                    int dwOff, float[] t) {
    Kernels.WINOGRAD.weightGradient(du, duOff, filters, channels, f0, f1, dw, dwOff, t);
  }

  /** As {@link #transformInput}, with the fastest kernel this JVM has. */
  public static void input(float[] x, int xOff, int imageStride, int channels, int h, int w, int pad, int tilesH,
                           int tilesW, int t0, int count, float[] v, int vOff, int ld, float[] tmp, int tmpOff) {
    Kernels.WINOGRAD.input(x, xOff, imageStride, channels, h, w, pad, tilesH, tilesW, t0, count, v, vOff, ld, tmp, tmpOff);
  }

  /** As {@link #transformOutputGradient}, with the fastest kernel this JVM has. */
  public static void outputGradient(float[] dy, int dyOff, int imageStride, int rows, int ho, int wo, int tilesH,
                                    int tilesW, int t0, int count, float[] dm, int dmOff, int ld, float[] tmp, int tmpOff) {
    Kernels.WINOGRAD.outputGradient(dy, dyOff, imageStride, rows, ho, wo, tilesH, tilesW, t0, count, dm, dmOff, ld, tmp,
        tmpOff);
  }

  /** As {@link #transformOutput}, with the fastest kernel this JVM has. */
  public static void output(float[] m, int mOff, int ld, int rows, int f0, int t0, int count, int tilesH, int tilesW,
                            float[] y, int imageStride, int ho, int wo, Epilogue finish, boolean accumulate, float[] tmp,
                            int tmpOff) {
    Kernels.WINOGRAD.output(m, mOff, ld, rows, f0, t0, count, tilesH, tilesW, y, imageStride, ho, wo, finish, accumulate, tmp,
        tmpOff);
  }
}
