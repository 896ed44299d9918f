package dev.hubel.kernel;

/**
 * The loops besides convolution over channels-last activations ({@link Nhwc}), on the Vector API
 * with vectors along channels; chosen by {@link Kernels}, called through {@link ChannelsLast}.
 * Each writes a range of its output's rows, counted over all images (row r is row r % H of image
 * r / H, H the output's height), so that the caller can cut a pass among threads; each writes only
 * its output's interior, never the border.
 */
interface NhwcElementwiseKernel {

  /** Rows row0..row1-1 of y, laid out as {@code out}, from x (n, C, H, W) packed NCHW (the same C, H, W). */
  void fromNchw(float[] x, Nhwc out, float[] y, int row0, int row1);

  /** Rows row0..row1-1 (of the input's) of x's interior, laid out as {@code in}, into y (n, C, H, W) packed NCHW. */
  void toNchw(Nhwc in, float[] x, float[] y, int row0, int row1);

  /**
   * Output rows row0..row1-1 of max pooling, fh x fw windows at stride s, the input padded by
   * {@code pad} where padding never wins (a window's maximum is over its cells inside the image),
   * as {@link Pooling#maxForward} computes in inference. out's H and W are the pooled sizes.
   */
  void maxPool(Nhwc in, float[] x, Nhwc out, float[] y, int fh, int fw, int stride, int pad, int row0, int row1);

  /**
   * Rows row0..row1-1 of local response normalisation across channels, by the formula of
   * {@link LocalResponseNorm} (PyTorch's), its power by {@link LocalResponseNorm#power}. x and y
   * have the same C, H, W and may differ in border.
   */
  void localResponse(Nhwc in, float[] x, Nhwc out, float[] y, int size, float alpha, float beta, float k,
                     int row0, int row1);

  /** For images b0..b1-1: y[b * C + c] = the mean of channel c of image b over its H x W pixels. */
  void globalAverage(Nhwc in, float[] x, float[] y, int b0, int b1);

  /**
   * Rows row0..row1-1 of y = max(0, x) (when relu) or x; with {@code other} not null,
   * y = [max(0,] x + other [)]. The three have the same C, H, W and may differ in border; x and y
   * may be the same array with the same layout.
   */
  void addRelu(Nhwc in, float[] x, Nhwc otherLayout, float[] other, Nhwc out, float[] y, boolean relu,
               int row0, int row1);
}
