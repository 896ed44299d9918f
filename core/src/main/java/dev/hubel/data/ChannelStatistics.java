package dev.hubel.data;

import dev.hubel.model.Normalization;

/**
 * Per-channel mean and standard deviation of a dataset's images: the statistics a model's
 * {@link Normalization} is made from. Compute them on the training examples only and apply them
 * to every split (and at predict time), or the validation figures flatter the model.
 */
public final class ChannelStatistics {
  private ChannelStatistics() {}

  /** Over every example of {@code data}. */
  public static Normalization of(Dataset data) {
    return of(data, null);
  }

  /**
   * Over the examples whose indices are listed (null: all), one mean and one population std per
   * channel (a vector dataset is one channel). Summed in double: in float, the 47 million pixels
   * of Fashion-MNIST would lose most of their digits. A constant channel carries nothing to
   * scale; it gets std 1, so it is only centred rather than divided by zero.
   */
  public static Normalization of(Dataset data, int[] examples) {
    int count = examples == null ? data.size() : examples.length;
    if (count == 0) {
      throw new DataException("dataset " + data.name() + " has no examples to compute per-channel mean and std from");
    }
    int channels = data.shape().isVolume() ? data.shape().c() : 1;
    int per = data.shape().size(), plane = per / channels;
    float[] images = data.images();
    double[] sum = new double[channels];
    for (int i = 0; i < count; i++) {
      int base = index(data, examples, i) * per;
      for (int c = 0; c < channels; c++) {
        for (int p = base + c * plane, end = p + plane; p < end; p++) sum[c] += images[p];
      }
    }
    double pixels = (double) count * plane;
    double[] squares = new double[channels];
    for (int i = 0; i < count; i++) {
      int base = index(data, examples, i) * per;
      for (int c = 0; c < channels; c++) {
        double m = sum[c] / pixels;
        for (int p = base + c * plane, end = p + plane; p < end; p++) {
          double d = images[p] - m;
          squares[c] += d * d;
        }
      }
    }
    float[] mean = new float[channels], std = new float[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = (float) (sum[c] / pixels);
      float s = (float) Math.sqrt(squares[c] / pixels);
      std[c] = s > 0 ? s : 1f;
    }
    return new Normalization(mean, std);
  }

  private static int index(Dataset data, int[] examples, int i) {
    if (examples == null) return i;
    int e = examples[i];
    if (e < 0 || e >= data.size()) {
      throw new DataException("dataset " + data.name() + ": example index " + e + " at position " + i
          + " is outside 0.." + (data.size() - 1));
    }
    return e;
  }
}
