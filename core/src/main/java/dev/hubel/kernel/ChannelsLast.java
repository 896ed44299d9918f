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

  /**
   * Whether plans run channels-last fronts on this JVM: the kernels exist (the Vector API is in
   * use) and its vectors are 512 bits wide. The register tile (14 sums, two weight vectors, a
   * broadcast) was sized for AVX-512's 32 registers; with AVX2's 16 it spills: on this host with
   * {@code -XX:UseAVX=2}, one core, ResNet-50's layers ran at 30-41 GFLOP/s with the 7-row tile
   * and 45-58 with a 4-row one, of a 256-bit peak near 100. AVX2 machines keep the NCHW paths.
   */
  public static boolean available() {
    return Kernels.NHWC_CONV != null && Kernels.vectorBits() >= 512;
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
