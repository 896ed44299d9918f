package dev.hubel.kernel;

/**
 * The loops of {@link NhwcWinograd}: on the Vector API only; chosen by {@link Kernels}.
 */
interface NhwcWinogradKernel {

  /**
   * Tiles t0..t0+count-1 (counted over all images: image, tile row, tile) for the filters of
   * blocks b0..b1-1: their patches transformed, multiplied by the job's U, transformed back and
   * finished (bias, residual, ReLU) into the job's y.
   */
  void chunk(NhwcWinograd job, int t0, int count, int b0, int b1);

  /**
   * V for tiles base+j0..base+j1-1 into v: position xi's row of tile base+j at
   * {@code (xi * rows + j) * C}.
   */
  void inputs(NhwcWinograd job, int base, int j0, int j1, float[] v, int rows);

  /**
   * M[xi] = V[xi] . U[xi] for rows j0..j1-1 and every filter: row j at {@code (xi * rows + j) * F};
   * M needs rows up to j0 plus a multiple of 7 past j0.
   */
  void products(NhwcWinograd job, int xi, int j0, int j1, float[] v, float[] m, int rows);

  /** y for tiles base+j0..base+j1-1 from M (as {@link #products} lays it out), finished (bias, residual, ReLU). */
  void outputs(NhwcWinograd job, int base, int j0, int j1, float[] m, int rows);
}
