package dev.hubel.kernel;

/**
 * Entry to the channels-last (NHWC) kernels that a frozen inference plan runs its convolutional
 * layers on ({@link NhwcConvolution} for the convolutions, the rest here). They exist on the
 * Vector API only: without it, plans keep their NCHW steps. The loops here each write a range of
 * output rows counted over all images (row r: image r / H, row r % H), for the caller to cut
 * among threads; see {@link NhwcElementwiseKernel} for what each computes.
 */
public final class ChannelsLast {
  private ChannelsLast() {}

  /** Whether this JVM has the channels-last kernels (the Vector API is in use). */
  public static boolean available() {
    return Kernels.NHWC_CONV != null;
  }

  /** Floats per vector of the kernels: the multiple of filters a channels-last convolution takes. */
  public static int lanes() {
    return Math.max(1, Kernels.vectorBits() / 32);
  }

  public static void fromNchw(float[] x, Nhwc out, float[] y, int row0, int row1) {
    Kernels.NHWC.fromNchw(x, out, y, row0, row1);
  }

  public static void toNchw(Nhwc in, float[] x, float[] y, int row0, int row1) {
    Kernels.NHWC.toNchw(in, x, y, row0, row1);
  }

  public static void maxPool(Nhwc in, float[] x, Nhwc out, float[] y, int fh, int fw, int stride, int pad,
                             int row0, int row1) {
    Kernels.NHWC.maxPool(in, x, out, y, fh, fw, stride, pad, row0, row1);
  }

  public static void localResponse(Nhwc in, float[] x, Nhwc out, float[] y, int size, float alpha, float beta,
                                   float k, int row0, int row1) {
    Kernels.NHWC.localResponse(in, x, out, y, size, alpha, beta, k, row0, row1);
  }

  public static void globalAverage(Nhwc in, float[] x, float[] y, int b0, int b1) {
    Kernels.NHWC.globalAverage(in, x, y, b0, b1);
  }

  public static void addRelu(Nhwc in, float[] x, Nhwc otherLayout, float[] other, Nhwc out, float[] y, boolean relu,
                             int row0, int row1) {
    Kernels.NHWC.addRelu(in, x, otherLayout, other, out, y, relu, row0, row1);
  }
}
