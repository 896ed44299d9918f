package dev.hubel.model;

import java.util.Arrays;

/**
 * Per-channel input normalisation, {@code (x - mean[c]) / std[c]}, with statistics computed from
 * the training set. It belongs to the model (it is saved in the model file) because a model
 * trained on normalised inputs is wrong on any others: predict and eval must apply the same.
 */
public record Normalization(float[] mean, float[] std) {
  public Normalization {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("normalisation needs one mean and one std per channel, received "
          + mean.length + " means and " + std.length + " stds");
    }
    for (int c = 0; c < std.length; c++) {
      if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("channel " + c + ": std must be positive and finite and mean finite, received mean "
            + mean[c] + ", std " + std[c]);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** No change: mean 0, std 1 for each of {@code channels}. */
  public static Normalization identity(int channels) {
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    return new Normalization(new float[channels], ones);
  }

  public int channels() {
    return mean.length;
  }

  /** Normalises {@code count} examples of C planes of {@code plane} pixels each, in place. */
  public void apply(float[] x, int count, int plane) {
    int c = mean.length;
    for (int n = 0; n < count; n++) {
      for (int ch = 0; ch < c; ch++) {
        float m = mean[ch], inv = 1f / std[ch];
        int at = (n * c + ch) * plane;
        for (int i = at; i < at + plane; i++) x[i] = (x[i] - m) * inv;
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
  }
}
