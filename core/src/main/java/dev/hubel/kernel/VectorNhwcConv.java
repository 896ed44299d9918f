package dev.hubel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NhwcConvKernel} on the Vector API; loaded by name only when the module is present.
 * A register tile is NhwcConvolution.TILE_ROWS (7) output pixels by a filter block of two
 * vectors (or one, at the end): 14 sums, two weight vectors and a broadcast input value. Per k
 * the tile loads its weights once for seven pixels and broadcasts each pixel's input value once
 * for all its filters. The tile's shape was measured (one core, ResNet-50's layers at batch 1):
 * 7x2 and 8x2 ran at 80-97% of the core's FMA peak; 6x4, 12x2, 10x2, 9x2 and 5x4, with 20 to 24
 * sums, at 40-70%, where C2 spilled or boxed them; 4x4 at 75-85%. Seven rows also tile 7x7,
 * 14x14, 28x28 and 56x56 maps exactly.
 *
 * <p>The sums go to a scratch tile that {@link #finish} adds to the output; the loop that makes
 * them ({@link VectorNhwcSums}, generated) is kept apart and small, its sums started from zero in
 * locals, because C2 boxed them (10x slower) when that loop shared a method with the loads and
 * the epilogue.
 */
final class VectorNhwcConv implements NhwcConvKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int ROWS = NhwcConvolution.TILE_ROWS;

  @Override
  public void tiles(NhwcConvolution job, int p0, int p1, int b0, int b1, int k0, int k1, boolean first, boolean last) {
    int[] at = ThreadScratch.ints(3 * ROWS);
    // every block of a tile at once (the job tile by tile, whole): the tile's sums side by side,
    // [row][filter], then finished pixel by pixel along whole rows of y; block by block, the
    // finish had written 32-filter slivers of each pixel, and 64-channel 1x1 layers ran 1.4x slower
    // (so too a group of blocks over all of k: their sums side by side, finished along the group's filters)
    boolean whole = first && last;
    int g0 = job.blockStart[b0], stride = whole ? job.blockStart[b1] - g0 : 2 * L;
    float[] sums = ThreadScratch.floats(ROWS * stride);
    int segment = job.fw * job.in.c(), rowStride = job.in.rowStride();
    float[] x = job.x, w = job.packed;
    for (int p = p0; p < p1; p += ROWS) {
      int rows = Math.min(ROWS, p1 - p);
      offsets(job, p, rows, at);
      for (int b = b0; b < b1; b++) {
        int f0 = job.blockStart[b], width = job.blockStart[b + 1] - f0, from = f0 * job.k + k0 * width;
        int o = whole ? f0 - g0 : 0;
        switch (width / L) {
          case 2 -> VectorNhwcSums.sums2(x, at[0], at[1], at[2], at[3], at[4], at[5], at[6],
              segment, rowStride, w, from, k0, k1, sums, o, stride);
          default -> VectorNhwcSums.sums1(x, at[0], at[1], at[2], at[3], at[4], at[5], at[6],
              segment, rowStride, w, from, k0, k1, sums, o, stride);
        }
        if (!whole) finish(job, sums, at, rows, f0, width, stride, first, last);
      }
      if (whole) finish(job, sums, at, rows, g0, stride, stride, true, true);
    }
  }

  /**
   * Where the tile's rows start: at[i] the window of row i in x (its top left, in the border
   * where padded), at[ROWS + i] its pixel in y, at[2 ROWS + i] in the residual. Rows past the
   * last repeat it (worked, never stored). One division for the tile, then steps: divisions per
   * row and filter block had cost more than the sums of a 64-channel 1x1 layer.
   */
  private static void offsets(NhwcConvolution job, int p, int rows, int[] at) {
    int wo = job.out.w(), hw = job.pixelsPerImage();
    int b = p / hw, r = p - b * hw, oh = r / wo, ow = r - oh * wo;
    for (int i = 0; i < ROWS; i++) {
      if (i >= rows) {
        at[i] = at[i - 1];
        at[ROWS + i] = at[ROWS + i - 1];
        at[2 * ROWS + i] = at[2 * ROWS + i - 1];
        continue;
      }
      at[i] = job.in.offset(b, oh * job.stride - job.pad, ow * job.stride - job.pad);
      at[ROWS + i] = job.out.offset(b, oh, ow);
      at[2 * ROWS + i] = job.residual == null ? 0 : job.residualLayout.offset(b, oh, ow);
      if (++ow == wo) {
        ow = 0;
        if (++oh == job.out.h()) {
          oh = 0;
          b++;
        }
      }
    }
  }

  /**
   * The tile's sums for filters f0..f0+width-1 (row i's at i * stride) into y: added to what y
   * holds after the first k block, and at the last the bias, the residual and the ReLU.
   */
  private static void finish(NhwcConvolution job, float[] sums, int[] at, int rows, int f0, int width, int stride,
                             boolean first, boolean last) {
    float[] y = job.y, bias = job.bias, r = job.residual;
    boolean relu = job.relu;
    FloatVector zero = FloatVector.zero(S);
    for (int i = 0; i < rows; i++) {
      int yo = at[ROWS + i] + f0, ro = at[2 * ROWS + i] + f0;
      for (int j = 0; j < width; j += L) {
        FloatVector v = FloatVector.fromArray(S, sums, i * stride + j);
        if (!first) v = v.add(FloatVector.fromArray(S, y, yo + j));
        if (last) {
          v = v.add(FloatVector.fromArray(S, bias, f0 + j));
          if (r != null) v = v.add(FloatVector.fromArray(S, r, ro + j));
          if (relu) v = v.max(zero);
        }
        v.intoArray(y, yo + j);
      }
    }
  }
}
