package dev.hubel.kernel;

/**
 * The register-tiled loop of {@link NhwcConvolution}: a block of output pixels by a block of
 * filters over a range of the reduction. On the Vector API only; chosen by {@link Kernels}.
 */
interface NhwcConvKernel {

  /**
   * Pixels p0..p1-1 (of all images, in order) by filter blocks b0..b1-1, tile by tile (each tile
   * through every block), over reduction entries k0..k1-1 of the job's packed weights: starts from
   * zero when {@code first}, else from what y holds; finishes (bias, residual, ReLU) when
   * {@code last}.
   */
  void tiles(NhwcConvolution job, int p0, int p1, int b0, int b1, int k0, int k1, boolean first, boolean last);
}
