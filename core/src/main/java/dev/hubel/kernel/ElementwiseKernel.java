package dev.hubel.kernel;

/**
 * The elementwise loops the JIT does not vectorise on its own, in a plain and a Vector API
 * version chosen once by {@link Kernels}. C2 vectorises {@code Math.max} (ReLU forward) but not a
 * select between two arrays (ReLU backward): that loop ran a scalar compare per element and was an
 * eighth of a small CNN's training step.
 */
interface ElementwiseKernel {

  /** dx[i] += y[i] > 0 ? dy[i] : 0 for i in [from, to). */
  void reluBackward(float[] y, float[] dy, float[] dx, int from, int to);

  /**
   * y[i] = (x[i] - mean) * a + beta for i in [from, from + len), then max(0, y[i]) when relu: batch
   * norm's output, with the ReLU after it fused in inference. C2 vectorises the plain form, but
   * not with Math.max inside (2x slower than the plain form alone) nor a select (15x).
   */
  void normalize(float[] x, float[] y, int from, int len, float mean, float a, float beta, boolean relu);

  /** y[yOff + j] = max(0, x[xOff + j] + bias) for j in [0, len): a convolution's bias and the ReLU after it. */
  void biasRelu(float[] x, int xOff, float[] y, int yOff, int len, float bias);

  /**
   * {@link Winograd3x3#transformOutput}, with {@code tmp} (from tmpOff, {@link #WINOGRAD_TMP}
   * floats) as scratch for a vector version.
   */
  void winogradOutput(float[] m, int mOff, int rows, int f0, int t0, int count, int tilesH, int tilesW,
                      float[] y, int imageStride, int ho, int wo, float[] bias, boolean accumulate, float[] tmp, int tmpOff);

  /** Floats of scratch {@link #winogradOutput} may use: four outputs for one vector of tiles, up to 64 lanes. */
  int WINOGRAD_TMP = 4 * 64;

  /** The plain Java loops, for a JVM without the Vector API. */
  final class Plain implements ElementwiseKernel {
    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
      for (int i = from; i < to; i++) dx[i] += y[i] > 0f ? dy[i] : 0f;
    }

    @Override
    public void biasRelu(float[] x, int xOff, float[] y, int yOff, int len, float bias) {
      for (int j = 0; j < len; j++) y[yOff + j] = Math.max(0f, x[xOff + j] + bias);
    }

    @Override
    public void normalize(float[] x, float[] y, int from, int len, float mean, float a, float beta, boolean relu) {
      if (relu) {
        for (int j = from; j < from + len; j++) y[j] = Math.max(0f, (x[j] - mean) * a + beta);
      } else {
        for (int j = from; j < from + len; j++) y[j] = (x[j] - mean) * a + beta;
      }
    }

    @Override
    public void winogradOutput(float[] m, int mOff, int rows, int f0, int t0, int count, int tilesH, int tilesW,
                               float[] y, int imageStride, int ho, int wo, float[] bias, boolean accumulate,
                               float[] tmp, int tmpOff) {
      Winograd3x3.transformOutput(m, mOff, rows, f0, t0, count, tilesH, tilesW, y, imageStride, ho, wo, bias, accumulate);
    }
  }
}
