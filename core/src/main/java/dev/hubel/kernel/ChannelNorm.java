package dev.hubel.kernel;

/**
 * Batch normalisation's loops, one channel at a time: a channel's values are n blocks of
 * {@code plane} floats, one block per example, {@code channels * plane} apart (NCHW; a vector of
 * features is the case plane = 1). A caller that splits work by channel owns everything it writes,
 * so results do not depend on how channels are spread over threads.
 *
 * <pre>
 *   xhat = (x - mean) * invstd        y = gamma * xhat + beta        M = n * plane values
 * </pre>
 * Sums run in double: a channel of a large batch adds up hundreds of thousands of floats. They
 * are the elementwise kernel's ({@link ElementwiseKernel#sum} and its neighbours): the plain form
 * keeps four partial sums, because one running double sum waits for its previous add every
 * element; the vector form adds two double vectors per float vector (BENCHMARKS.md, 2026-12-02).
 */
public final class ChannelNorm {
  private ChannelNorm() {}

  /** mean[ch] and the biased variance var[ch] (divided by M) of one channel, in two passes. */
  public static void statistics(float[] x, int n, int channels, int plane, int ch, float[] mean, float[] var) {
    int stride = channels * plane;
    double sum = 0;
    for (int i = 0; i < n; i++) sum += Kernels.ELEMENTWISE.sum(x, i * stride + ch * plane, plane);
    double m = sum / ((double) n * plane);
    double squares = 0;
    for (int i = 0; i < n; i++) squares += Kernels.ELEMENTWISE.squaredDeviations(x, i * stride + ch * plane, plane, m);
    mean[ch] = (float) m;
    var[ch] = (float) (squares / ((double) n * plane));
  }

  /** y = (x - mean) * (gamma * invstd) + beta over one channel; then max(0, y) when relu. */
  public static void normalize(float[] x, float[] y, int n, int channels, int plane, int ch,
                               float mean, float invstd, float gamma, float beta, boolean relu) {
    int stride = channels * plane;
    float a = gamma * invstd;
    for (int i = 0; i < n; i++) {
      int base = i * stride + ch * plane;
      Kernels.ELEMENTWISE.normalize(x, y, base, plane, mean, a, beta, relu);
    }
  }

  /**
   * Backward over one channel. dgamma[ch] += sum(dy * xhat); dbeta[ch] += sum(dy); and, when dx is
   * not null, dx += gamma * invstd * (dy - sum(dy) / M - xhat * sum(dy * xhat) / M) if the mean and
   * invstd were the batch's own ({@code batchStatistics}), else dx += gamma * invstd * dy (running
   * statistics are constants of the forward pass).
   */
  public static void backward(float[] x, float[] dy, float[] dx, int n, int channels, int plane, int ch,
                              float mean, float invstd, float gamma, boolean batchStatistics,
                              float[] dgamma, float[] dbeta, boolean accumulate) {
    backward(x, null, 0f, dy, dx, n, channels, plane, ch, mean, invstd, gamma, batchStatistics, dgamma, dbeta, accumulate);
  }

  /**
   * {@link #backward(float[], float[], float[], int, int, int, int, float, float, float, boolean, float[], float[], boolean)}
   * through a ReLU the norm's forward pass applied as it wrote (y = max(0, gamma * xhat + beta)):
   * block by block, dy is first made from the ReLU's output gradient {@code reluGrad}, zero where
   * the norm's output was not positive (y made again from x, with beta), then summed while that
   * block is in cache. The same bits as a ReLU step's backward pass writing dy, then the norm's.
   * reluGrad null: dy is given.
   */
  public static void backward(float[] x, float[] reluGrad, float beta, float[] dy, float[] dx, int n, int channels,
                              int plane, int ch, float mean, float invstd, float gamma, boolean batchStatistics,
                              float[] dgamma, float[] dbeta, boolean accumulate) {
    int stride = channels * plane;
    double sumDy = 0, sumDyXhat = 0;
    float a = gamma * invstd;  // normalize's, and the dx formula's
    for (int i = 0; i < n; i++) {
      int base = i * stride + ch * plane;
      if (reluGrad != null) Kernels.ELEMENTWISE.reluBackwardOfNorm(x, reluGrad, dy, base, plane, mean, a, beta);
      sumDy += Kernels.ELEMENTWISE.sum(dy, base, plane);
      sumDyXhat += Kernels.ELEMENTWISE.dotWithXhat(dy, x, base, plane, mean, invstd);
    }
    dgamma[ch] += (float) sumDyXhat;
    dbeta[ch] += (float) sumDy;
    if (dx == null) return;
    double count = (double) n * plane;
    float meanDy = batchStatistics ? (float) (sumDy / count) : 0f;
    float meanDyXhat = batchStatistics ? (float) (sumDyXhat / count) : 0f;
    for (int i = 0; i < n; i++) {
      int base = i * stride + ch * plane;
      if (accumulate) {
        for (int j = 0; j < plane; j++) {
          float xhat = (x[base + j] - mean) * invstd;
          dx[base + j] += a * (dy[base + j] - meanDy - xhat * meanDyXhat);
        }
      } else {
        for (int j = 0; j < plane; j++) {
          float xhat = (x[base + j] - mean) * invstd;
          dx[base + j] = a * (dy[base + j] - meanDy - xhat * meanDyXhat);
        }
      }
    }
  }
}
