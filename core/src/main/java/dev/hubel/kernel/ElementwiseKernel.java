package dev.hubel.kernel;

/**
 * The elementwise loops the JIT does not vectorise on its own, in a plain and a Vector API
 * version chosen once by {@link Kernels}. C2 vectorises {@code Math.max} (ReLU forward) but not a
 * select between two arrays (ReLU backward): that loop ran a scalar compare per element and was an
 * eighth of a small CNN's training step.
 */
interface ElementwiseKernel {

  /** dx[i] += y[i] > 0 ? dy[i] : 0 for i in [from, to); or, not accumulating, dx[i] = that. */
  void reluBackward(float[] y, float[] dy, float[] dx, int from, int to, boolean accumulate);

  /**
   * y[i] = (x[i] - mean) * a + beta for i in [from, from + len), then max(0, y[i]) when relu: batch
   * norm's output, with the ReLU after it fused in inference. C2 vectorises the plain form, but
   * not with Math.max inside (2x slower than the plain form alone) nor a select (15x).
   */
  void normalize(float[] x, float[] y, int from, int len, float mean, float a, float beta, boolean relu);

  /**
   * dx[i] = y > 0 ? dy[i] : 0 for i in [from, from + len), y being batch norm's output
   * {@code (x[i] - mean) * a + beta} made again with {@link #normalize}'s roundings: the ReLU's
   * backward pass for a batch norm that wrote max(0, y) in training and kept only x.
   */
  void reluBackwardOfNorm(float[] x, float[] dy, float[] dx, int from, int len, float mean, float a, float beta);

  /**
   * One output row of a 2x2 max pool at stride 2 with its winners, for training: y[o + ox] is the
   * largest of x[r0 + 2ox], x[r0 + 2ox + 1], x[r1 + 2ox], x[r1 + 2ox + 1] for ox in [0, wo), the
   * first in that order on a tie (a NaN wins and stays), and argmax[o + ox] its index in x.
   */
  void max2x2Row(float[] x, int r0, int r1, int wo, float[] y, int o, int[] argmax);

  /**
   * Outputs ox0..ox1 of one row of a 3x3 max pool at stride 2 whose windows lie inside the image,
   * the window of output ox starting at {@code x[rowStart + 2ox]}: as
   * {@link Pooling#max3x3Interior} (the maximum by Math.max; for training, argmax not null, the
   * first cell in row order that holds it, and its value).
   */
  void max3x3Stride2(float[] x, int rowStart, int w, int ox0, int ox1, float[] y, int o, int[] argmax);

  /** Batch norm's sums, in double: x[from] + ... + x[from+len-1]. The plain form keeps four interleaved partial sums. */
  double sum(float[] x, int from, int len);

  /** The sum of (x - m)^2 over x[from .. from+len), in double. */
  double squaredDeviations(float[] x, int from, int len, double m);

  /** The sum of dy * xhat over [from, from+len), xhat = (x - mean) * invstd and the product in float, summed in double. */
  double dotWithXhat(float[] dy, float[] x, int from, int len, float mean, float invstd);

  /** y[yOff + j] = max(0, x[xOff + j] + bias) for j in [0, len): a convolution's bias and the ReLU after it. */
  void biasRelu(float[] x, int xOff, float[] y, int yOff, int len, float bias);

  /** Local response normalisation's forward pass over pixels p0..p1 of one image ({@link LocalResponseNorm#forward}). */
  void localResponse(float[] x, float[] y, float[] s, int off, int c, int hw, int p0, int p1,
                     int size, float alpha, float beta, float k);

  /** The plain Java loops, for a JVM without the Vector API. */
  final class Plain implements ElementwiseKernel {
    @Override
    public void localResponse(float[] x, float[] y, float[] s, int off, int c, int hw, int p0, int p1,
                              int size, float alpha, float beta, float k) {
      LocalResponseNorm.forwardPlain(x, y, s, off, c, hw, p0, p1, size, alpha, beta, k);
    }

    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to, boolean accumulate) {
      if (accumulate) {
        for (int i = from; i < to; i++) dx[i] += y[i] > 0f ? dy[i] : 0f;
      } else {
        for (int i = from; i < to; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
      }
    }

    @Override
    public void reluBackwardOfNorm(float[] x, float[] dy, float[] dx, int from, int len, float mean, float a, float beta) {
      for (int i = from; i < from + len; i++) dx[i] = (x[i] - mean) * a + beta > 0f ? dy[i] : 0f;
    }

    @Override
    public void max3x3Stride2(float[] x, int rowStart, int w, int ox0, int ox1, float[] y, int o, int[] argmax) {
      Pooling.max3x3Interior(x, rowStart, w, 2, ox0, ox1, y, o, argmax);
    }

    @Override
    public void max2x2Row(float[] x, int r0, int r1, int wo, float[] y, int o, int[] argmax) {
      Pooling.max2x2Row(x, r0, r1, 0, wo, y, o, argmax);
    }

    @Override
    public double sum(float[] x, int from, int len) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int j = from, end = from + len, whole = from + (len & ~3);
      for (; j < whole; j += 4) {
        s0 += x[j];
        s1 += x[j + 1];
        s2 += x[j + 2];
        s3 += x[j + 3];
      }
      for (; j < end; j++) s0 += x[j];
      return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double squaredDeviations(float[] x, int from, int len, double m) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int j = from, end = from + len, whole = from + (len & ~3);
      for (; j < whole; j += 4) {
        double d0 = x[j] - m, d1 = x[j + 1] - m, d2 = x[j + 2] - m, d3 = x[j + 3] - m;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      for (; j < end; j++) {
        double d = x[j] - m;
        s0 += d * d;
      }
      return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double dotWithXhat(float[] dy, float[] x, int from, int len, float mean, float invstd) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int j = from, end = from + len, whole = from + (len & ~3);
      for (; j < whole; j += 4) {
        s0 += dy[j] * ((x[j] - mean) * invstd);
        s1 += dy[j + 1] * ((x[j + 1] - mean) * invstd);
        s2 += dy[j + 2] * ((x[j + 2] - mean) * invstd);
        s3 += dy[j + 3] * ((x[j + 3] - mean) * invstd);
      }
      for (; j < end; j++) s0 += dy[j] * ((x[j] - mean) * invstd);
      return (s0 + s1) + (s2 + s3);
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
  }
}
