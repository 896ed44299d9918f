package dev.hubel.kernel;

import java.util.SplittableRandom;

/** The convolution written out plainly, in double, NCHW: what the channels-last kernels' tests hold them to. */
final class ConvReference {
  private ConvReference() {}

  static float[] gaussian(SplittableRandom rng, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) a[i] = (float) rng.nextGaussian();
    return a;
  }

  /** A batch norm's gamma, beta, mean and variance (from 0.5 to 1.5) for f filters. */
  static float[][] randomNorm(SplittableRandom rng, int f) {
    float[] var = new float[f];
    float[] gamma = gaussian(rng, f), beta = gaussian(rng, f), mean = gaussian(rng, f);
    for (int i = 0; i < f; i++) var[i] = 0.5f + (float) rng.nextDouble();
    return new float[][] {gamma, beta, mean, var};
  }

  /** NCHW, in double: the sum over channels and window cells, then bias, norm, residual, ReLU. */
  static float[] reference(float[] x, int n, int c, int h, int w, float[] wt, float[] bias, int f, int fh, int fw,
                           int s, int p, int ho, int wo, float[] gamma, float[] beta, float[] mean, float[] var,
                           float[] res, boolean relu) {
    float[] y = new float[n * f * ho * wo];
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < f; o++) {
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < wo; ox++) {
            double sum = bias[o];
            for (int ch = 0; ch < c; ch++) {
              for (int r = 0; r < fh; r++) {
                for (int q = 0; q < fw; q++) {
                  int iy = oy * s - p + r, ix = ox * s - p + q;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  sum += (double) x[((b * c + ch) * h + iy) * w + ix] * wt[((o * c + ch) * fh + r) * fw + q];
                }
              }
            }
            if (gamma != null) sum = (sum - mean[o]) / Math.sqrt(var[o] + 1e-5) * gamma[o] + beta[o];
            int at = ((b * f + o) * ho + oy) * wo + ox;
            if (res != null) sum += res[at];
            y[at] = (float) (relu ? Math.max(0, sum) : sum);
          }
        }
      }
    }
    return y;
  }
}
