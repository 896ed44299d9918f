package dev.hubel.kernel;

/**
 * The optimisers' per-element update rules, each written as PyTorch 1.13's single-tensor code
 * path writes it (torch/optim/*.py), operation for operation in float32, so that the two agree to
 * the last bits or close to them. Scalars that PyTorch computes in Python (bias corrections, step
 * sizes) arrive here already computed in double and rounded to float, as PyTorch rounds them.
 * One pass per parameter tensor; nothing allocates.
 */
public final class ParamUpdates {
  private ParamUpdates() {}

  /**
   * SGD (torch.optim.SGD, dampening 0): g = grad + decay * w; v = momentum * v + g (v = g at the
   * first step, which the zero-filled buffer gives too); d = nesterov ? g + momentum * v : v;
   * w -= lr * d. With momentum 0 the buffer holds the last g and d = g.
   */
  public static void sgd(float[] w, float[] grad, float[] velocity, float lr, float momentum, boolean nesterov, float decay) {
    for (int i = 0; i < w.length; i++) {
      float g = decay == 0f ? grad[i] : Math.fma(decay, w[i], grad[i]);
      float v = momentum * velocity[i] + g;
      velocity[i] = v;
      float d = nesterov ? Math.fma(momentum, v, g) : v;
      w[i] = Math.fma(-lr, d, w[i]);
    }
  }

  /**
   * Adam (torch.optim.Adam) and AdamW (torch.optim.AdamW), whose decay is decoupled: AdamW first
   * shrinks w by {@code shrink} = 1 - lr * decay and adds nothing to the gradient; Adam adds
   * {@code l2} * w to the gradient (L2 decay) and has shrink 1.
   * m = beta1 * m + (1 - beta1) * g;  s = beta2 * s + (1 - beta2) * g * g;
   * w -= stepSize * m / (sqrt(s) / sqrt(1 - beta2^t) + eps), with stepSize = lr / (1 - beta1^t).
   */
  public static void adam(float[] w, float[] grad, float[] m, float[] s, float beta1, float oneMinusBeta1,
                          float beta2, float oneMinusBeta2, float stepSize, float correction2Sqrt, float eps,
                          float l2, float shrink) {
    for (int i = 0; i < w.length; i++) {
      float wi = shrink == 1f ? w[i] : w[i] * shrink;
      float g = l2 == 0f ? grad[i] : Math.fma(l2, wi, grad[i]);
      float mi = Math.fma(oneMinusBeta1, g, m[i] * beta1);
      float si = addcmul(s[i] * beta2, oneMinusBeta2, g, g);
      m[i] = mi;
      s[i] = si;
      float denom = (float) Math.sqrt(si) / correction2Sqrt + eps;
      w[i] = addcdiv(wi, -stepSize, mi, denom);
    }
  }

  /**
   * RMSprop (torch.optim.RMSprop): g = grad + decay * w; s = alpha * s + (1 - alpha) * g * g;
   * centered, also a = alpha * a + (1 - alpha) * g and the denominator uses s - a * a;
   * avg = sqrt(...) + eps; with momentum, b = momentum * b + g / avg and w -= lr * b;
   * without, w -= lr * g / avg. {@code gradAvg} and {@code buffer} may be null when unused.
   */
  public static void rmsProp(float[] w, float[] grad, float[] square, float[] gradAvg, float[] buffer, float alpha,
                             float oneMinusAlpha, float eps, float momentum, float lr, float decay) {
    for (int i = 0; i < w.length; i++) {
      float g = decay == 0f ? grad[i] : Math.fma(decay, w[i], grad[i]);
      float s = addcmul(square[i] * alpha, oneMinusAlpha, g, g);
      square[i] = s;
      float avg;
      if (gradAvg != null) {
        float a = Math.fma(oneMinusAlpha, g, gradAvg[i] * alpha);
        gradAvg[i] = a;
        avg = (float) Math.sqrt(addcmul(s, -1f, a, a)) + eps;
      } else {
        avg = (float) Math.sqrt(s) + eps;
      }
      if (buffer != null) {
        float b = addcdiv(buffer[i] * momentum, 1f, g, avg);
        buffer[i] = b;
        w[i] = Math.fma(-lr, b, w[i]);
      } else {
        w[i] = addcdiv(w[i], -lr, g, avg);
      }
    }
  }

  // PyTorch's pointwise kernels, as its CPU build compiles them: x.add_(y, alpha=c) is one fused
  // multiply-add (Math.fma above); addcmul is x + c * y * z with the last multiply-add fused;
  // addcdiv is x + c * y / z, multiplied before it divides.
  private static float addcmul(float x, float c, float y, float z) {
    return Math.fma(c * y, z, x);
  }

  private static float addcdiv(float x, float c, float y, float z) {
    return x + c * y / z;
  }

  /** The sum of squares of {@code g}, in double: NaN or infinite when any entry is. */
  public static double sumOfSquares(float[] g) {
    double s = 0;
    for (float v : g) s += (double) v * v;
    return s;
  }

  /** g *= scale */
  public static void scale(float[] g, float scale) {
    for (int i = 0; i < g.length; i++) g[i] *= scale;
  }

  /** Whether any of the first {@code length} entries of {@code values} is NaN or infinite. */
  public static boolean anyNonFinite(float[] values, int length) {
    for (int i = 0; i < length; i++) if (!Float.isFinite(values[i])) return true;
    return false;
  }
}
