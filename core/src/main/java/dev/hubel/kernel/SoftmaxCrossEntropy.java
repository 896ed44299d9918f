package dev.hubel.kernel;

/**
 * Softmax over each row of logits and the mean cross-entropy against integer labels, with the
 * gradient of that mean: dlogits = (softmax - onehot) / n. Computed in one pass per row, with the
 * row's maximum subtracted first so that exp never overflows.
 */
public final class SoftmaxCrossEntropy {
  private SoftmaxCrossEntropy() {}

  /**
   * @param logits (n, k)
   * @param dlogits (n, k), overwritten with the gradient of the mean loss; may be null
   * @return the summed (not mean) loss in double precision; the caller divides by n
   */
  public static double lossAndGrad(float[] logits, int n, int k, int[] labels, float[] dlogits) {
    double total = 0;
    float invN = 1f / n;
    for (int r = 0; r < n; r++) {
      int base = r * k;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) max = Math.max(max, logits[base + j]);
      double sum = 0;
      for (int j = 0; j < k; j++) sum += Math.exp(logits[base + j] - max);
      double logSum = Math.log(sum);
      int label = labels[r];
      total += logSum - (logits[base + label] - max);
      if (dlogits != null) {
        for (int j = 0; j < k; j++) {
          float p = (float) (Math.exp(logits[base + j] - max - logSum));
          dlogits[base + j] = (p - (j == label ? 1f : 0f)) * invN;
        }
      }
    }
    return total;
  }

  /**
   * The same with label smoothing ε (Szegedy et al. 2016, PyTorch's label_smoothing): the target
   * is q = (1 - ε) on the label plus ε / k on every class, the loss per row -sum_j q_j log p_j, so
   * (1 - ε) * (-log p_label) + ε / k * sum_j (-log p_j), and dlogits = (p - q) / n. ε = 0 is
   * {@link #lossAndGrad(float[], int, int, int[], float[])} exactly.
   */
  public static double lossAndGrad(float[] logits, int n, int k, int[] labels, float[] dlogits, float smoothing) {
    if (smoothing == 0f) return lossAndGrad(logits, n, k, labels, dlogits);
    double total = 0;
    float invN = 1f / n;
    float onLabel = 1f - smoothing, everywhere = smoothing / k;
    for (int r = 0; r < n; r++) {
      int base = r * k;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) max = Math.max(max, logits[base + j]);
      double sum = 0, shifted = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(logits[base + j] - max);
        shifted += logits[base + j] - max;
      }
      double logSum = Math.log(sum);
      int label = labels[r];
      double nll = logSum - (logits[base + label] - max);
      double uniform = k * logSum - shifted;  // sum_j -log p_j
      total += (1.0 - smoothing) * nll + (double) smoothing / k * uniform;
      if (dlogits != null) {
        for (int j = 0; j < k; j++) {
          float p = (float) (Math.exp(logits[base + j] - max - logSum));
          dlogits[base + j] = (p - (j == label ? onLabel + everywhere : everywhere)) * invN;
        }
      }
    }
    return total;
  }

  /** Softmax of each row into probs (n, k). */
  public static void softmax(float[] logits, int n, int k, float[] probs) {
    for (int r = 0; r < n; r++) {
      int base = r * k;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) max = Math.max(max, logits[base + j]);
      double sum = 0;
      for (int j = 0; j < k; j++) sum += Math.exp(logits[base + j] - max);
      for (int j = 0; j < k; j++) probs[base + j] = (float) (Math.exp(logits[base + j] - max) / sum);
    }
  }

  /** Index of the largest entry of row r. */
  public static int argmax(float[] values, int r, int k) {
    int base = r * k, best = 0;
    for (int j = 1; j < k; j++) if (values[base + j] > values[base + best]) best = j;
    return best;
  }
}
