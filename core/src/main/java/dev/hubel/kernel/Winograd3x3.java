package dev.hubel.kernel;

/**
 * Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, 2015) for 3x3 convolutions at
 * stride 1: each 2x2 block of output ("tile") comes from a 4x4 patch of input with 16 multiplies
 * per channel pair instead of 36. Across channels the 16 multiplies become 16 independent
 * matrix products, one per position xi of the 4x4 transformed patch:
 *
 * <pre>
 *   U[xi] (F x C)  = G g G^T        for each filter f and channel c (weights g, 3x3)
 *   V[xi] (C x T)  = B^T d B        for each channel c and tile t (input patch d, 4x4)
 *   M[xi] (F x T)  = U[xi] . V[xi]  (the GEMM)
 *   y tile (2x2)   = A^T m A        for each filter f and tile t (m: the 16 values M[.][f][t])
 *
 *   B^T = | 1  0 -1  0 |     G = | 1    0    0   |     A^T = | 1  1  1  0 |
 *         | 0  1  1  0 |         | 1/2  1/2  1/2 |           | 0  1 -1 -1 |
 *         | 0 -1  1  0 |         | 1/2 -1/2  1/2 |
 *         | 0  1  0 -1 |         | 0    0    1   |
 * </pre>
 *
 * The transforms are exact in binary but for G's halves; the result differs from the direct
 * sum by rounding only (a few ulps more than im2col's).
 *
 * <p>Layouts: U is 16 blocks of F x C (block xi at {@code xi*F*C}); a chunk of T tiles has V as
 * 16 blocks of C x T and M as 16 blocks of rows x T. Tile t of an image of Ho x Wo outputs covers
 * output rows 2*ty, 2*ty+1 and columns 2*tx, 2*tx+1 (tiles per row: ceil(Wo/2)), reading input
 * rows 2*ty - pad .. 2*ty - pad + 3 (outside the image: zero).
 */
public final class Winograd3x3 {
  private Winograd3x3() {}

  /** Positions of the transformed patch: 4 x 4. */
  public static final int POSITIONS = 16;

  /**
   * U for one group: weights w (F x C x 3 x 3 from wOff) into 16 blocks of F x C from uOff,
   * block xi at {@code uOff + xi*F*C}.
   */
  public static void transformWeights(float[] w, int wOff, int filters, int channels, float[] u, int uOff) {
    int block = filters * channels;
    for (int f = 0; f < filters; f++) {
      for (int c = 0; c < channels; c++) {
        int g = wOff + (f * channels + c) * 9, at = uOff + f * channels + c;
        float g00 = w[g], g01 = w[g + 1], g02 = w[g + 2];
        float g10 = w[g + 3], g11 = w[g + 4], g12 = w[g + 5];
        float g20 = w[g + 6], g21 = w[g + 7], g22 = w[g + 8];
        // G g (4 x 3), row by row, each row then times G^T into four positions of U
        storeRowTimesGt(u, at, block, 0, g00, g01, g02);
        storeRowTimesGt(u, at, block, 1, 0.5f * (g00 + g10 + g20), 0.5f * (g01 + g11 + g21), 0.5f * (g02 + g12 + g22));
        storeRowTimesGt(u, at, block, 2, 0.5f * (g00 - g10 + g20), 0.5f * (g01 - g11 + g21), 0.5f * (g02 - g12 + g22));
        storeRowTimesGt(u, at, block, 3, g20, g21, g22);
      }
    }
  }

  /** Row (a, b, c) of G g times G^T: positions row*4 .. row*4+3 of U, {@code block} floats apart. */
  private static void storeRowTimesGt(float[] u, int at, int block, int row, float a, float b, float c) {
    u[(row * 4) * block + at] = a;
    u[(row * 4 + 1) * block + at] = 0.5f * (a + b + c);
    u[(row * 4 + 2) * block + at] = 0.5f * (a - b + c);
    u[(row * 4 + 3) * block + at] = c;
  }

  /**
   * V for tiles t0 .. t0+count of a batch (tile numbers run over images, then tile rows, then
   * tiles): {@code v[(xi*C + c)*count + j]} for tile t0 + j. x is the batch (N x C x H x W, image
   * i's channel block from {@code i*imageStride + xOff}).
   */
  public static void transformInput(float[] x, int xOff, int imageStride, int channels, int h, int w, int pad,
                                    int tilesH, int tilesW, int t0, int count, float[] v) {
    int perImage = tilesH * tilesW;
    int block = channels * count;
    for (int j = 0; j < count; j++) {
      int t = t0 + j, image = t / perImage, rest = t % perImage;
      int iy0 = 2 * (rest / tilesW) - pad, ix0 = 2 * (rest % tilesW) - pad;
      boolean inside = iy0 >= 0 && ix0 >= 0 && iy0 + 4 <= h && ix0 + 4 <= w;
      for (int c = 0; c < channels; c++) {
        int plane = xOff + image * imageStride + c * h * w;
        float d00, d01, d02, d03, d10, d11, d12, d13, d20, d21, d22, d23, d30, d31, d32, d33;
        if (inside) {
          int r0 = plane + iy0 * w + ix0, r1 = r0 + w, r2 = r1 + w, r3 = r2 + w;
          d00 = x[r0]; d01 = x[r0 + 1]; d02 = x[r0 + 2]; d03 = x[r0 + 3];
          d10 = x[r1]; d11 = x[r1 + 1]; d12 = x[r1 + 2]; d13 = x[r1 + 3];
          d20 = x[r2]; d21 = x[r2 + 1]; d22 = x[r2 + 2]; d23 = x[r2 + 3];
          d30 = x[r3]; d31 = x[r3 + 1]; d32 = x[r3 + 2]; d33 = x[r3 + 3];
        } else {
          d00 = at(x, plane, h, w, iy0, ix0); d01 = at(x, plane, h, w, iy0, ix0 + 1);
          d02 = at(x, plane, h, w, iy0, ix0 + 2); d03 = at(x, plane, h, w, iy0, ix0 + 3);
          d10 = at(x, plane, h, w, iy0 + 1, ix0); d11 = at(x, plane, h, w, iy0 + 1, ix0 + 1);
          d12 = at(x, plane, h, w, iy0 + 1, ix0 + 2); d13 = at(x, plane, h, w, iy0 + 1, ix0 + 3);
          d20 = at(x, plane, h, w, iy0 + 2, ix0); d21 = at(x, plane, h, w, iy0 + 2, ix0 + 1);
          d22 = at(x, plane, h, w, iy0 + 2, ix0 + 2); d23 = at(x, plane, h, w, iy0 + 2, ix0 + 3);
          d30 = at(x, plane, h, w, iy0 + 3, ix0); d31 = at(x, plane, h, w, iy0 + 3, ix0 + 1);
          d32 = at(x, plane, h, w, iy0 + 3, ix0 + 2); d33 = at(x, plane, h, w, iy0 + 3, ix0 + 3);
        }
        // B^T d: rows
        float s00 = d00 - d20, s01 = d01 - d21, s02 = d02 - d22, s03 = d03 - d23;
        float s10 = d10 + d20, s11 = d11 + d21, s12 = d12 + d22, s13 = d13 + d23;
        float s20 = d20 - d10, s21 = d21 - d11, s22 = d22 - d12, s23 = d23 - d13;
        float s30 = d10 - d30, s31 = d11 - d31, s32 = d12 - d32, s33 = d13 - d33;
        // (B^T d) B: columns
        int o = c * count + j;
        v[o] = s00 - s02; v[o + block] = s01 + s02; v[o + 2 * block] = s02 - s01; v[o + 3 * block] = s01 - s03;
        o += 4 * block;
        v[o] = s10 - s12; v[o + block] = s11 + s12; v[o + 2 * block] = s12 - s11; v[o + 3 * block] = s11 - s13;
        o += 4 * block;
        v[o] = s20 - s22; v[o + block] = s21 + s22; v[o + 2 * block] = s22 - s21; v[o + 3 * block] = s21 - s23;
        o += 4 * block;
        v[o] = s30 - s32; v[o + block] = s31 + s32; v[o + 2 * block] = s32 - s31; v[o + 3 * block] = s31 - s33;
      }
    }
  }

  private static float at(float[] x, int plane, int h, int w, int iy, int ix) {
    return iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[plane + iy * w + ix];
  }

  /**
   * y from M for filters f0 .. f0+rows (M's rows) and tiles t0 .. t0+count: {@code m[mOff + (xi*rows + r)*count + j]}.
   * y is the batch's output (image i's filter f at {@code i*imageStride + f*ho*wo}); bias may be null.
   * With accumulate, y += the tiles (a gradient that other consumers add to) and bias is ignored.
   * The plain loops; {@link #output} picks the vector version when the Vector API is on.
   */
  public static void transformOutput(float[] m, int mOff, int rows, int f0, int t0, int count, int tilesH, int tilesW,
                                     float[] y, int imageStride, int ho, int wo, float[] bias, boolean accumulate) {
    for (int j = 0; j < count; j++) {
      transformOutputColumn(m, mOff, rows, count, j, f0, t0 + j, tilesH, tilesW, y, imageStride, ho, wo, bias, accumulate);
    }
  }

  /** As {@link #transformOutput}, with the fastest kernel this JVM has; tmp holds {@link ElementwiseKernel#WINOGRAD_TMP} floats from tmpOff. */
  public static void output(float[] m, int mOff, int rows, int f0, int t0, int count, int tilesH, int tilesW,
                            float[] y, int imageStride, int ho, int wo, float[] bias, boolean accumulate, float[] tmp, int tmpOff) {
    Kernels.ELEMENTWISE.winogradOutput(m, mOff, rows, f0, t0, count, tilesH, tilesW, y, imageStride, ho, wo, bias, accumulate,
        tmp, tmpOff);
  }

  /** Floats of scratch {@link #output} needs. */
  public static int outputScratch() {
    return ElementwiseKernel.WINOGRAD_TMP;
  }

  /** The output transform of column j of M (tile number t), for all its rows. */
  static void transformOutputColumn(float[] m, int mOff, int rows, int count, int j, int f0, int t, int tilesH, int tilesW,
                                    float[] y, int imageStride, int ho, int wo, float[] bias, boolean accumulate) {
    int perImage = tilesH * tilesW, block = rows * count;
    int image = t / perImage, rest = t % perImage;
    int oy = 2 * (rest / tilesW), ox = 2 * (rest % tilesW);
    boolean right = ox + 1 < wo, below = oy + 1 < ho;
    int tileAt = image * imageStride + oy * wo + ox;
    for (int r = 0; r < rows; r++) {
      float b = bias == null ? 0f : bias[f0 + r];
      int o = mOff + r * count + j;
      float m00 = m[o], m01 = m[o + block], m02 = m[o + 2 * block], m03 = m[o + 3 * block];
      o += 4 * block;
      float m10 = m[o], m11 = m[o + block], m12 = m[o + 2 * block], m13 = m[o + 3 * block];
      o += 4 * block;
      float m20 = m[o], m21 = m[o + block], m22 = m[o + 2 * block], m23 = m[o + 3 * block];
      o += 4 * block;
      float m30 = m[o], m31 = m[o + block], m32 = m[o + 2 * block], m33 = m[o + 3 * block];
      // A^T m: rows
      float a0 = m00 + m10 + m20, a1 = m01 + m11 + m21, a2 = m02 + m12 + m22, a3 = m03 + m13 + m23;
      float b0 = m10 - m20 - m30, b1 = m11 - m21 - m31, b2 = m12 - m22 - m32, b3 = m13 - m23 - m33;
      int at = tileAt + (f0 + r) * ho * wo;
      if (accumulate) {
        y[at] += a0 + a1 + a2;
        if (right) y[at + 1] += a1 - a2 - a3;
        if (below) {
          y[at + wo] += b0 + b1 + b2;
          if (right) y[at + wo + 1] += b1 - b2 - b3;
        }
        continue;
      }
      y[at] = a0 + a1 + a2 + b;
      if (right) y[at + 1] = a1 - a2 - a3 + b;
      if (below) {
        y[at + wo] = b0 + b1 + b2 + b;
        if (right) y[at + wo + 1] = b1 - b2 - b3 + b;
      }
    }
  }
}
