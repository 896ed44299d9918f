package dev.hubel.data;

/**
 * AlexNet's colour augmentation ("PCA lighting", Krizhevsky et al. 2012, sec. 4.1): the principal
 * components of the training set's RGB values, so that each image can be shifted along them by a
 * random amount, as natural lighting varies in intensity and colour. To every pixel of an image
 * it adds sum_i alpha_i * sigma_i * p_i, with p_i the i-th eigenvector of the channels' covariance,
 * sigma_i the standard deviation along it (the square root of its eigenvalue) and alpha_i drawn
 * once per image from a Gaussian of mean 0 and the given std (the paper's 0.1).
 *
 * <p>The paper writes the eigenvalue itself; that figure is in squared pixel units and would make
 * the shift depend on whether pixels run 0..1 or 0..255. The standard deviation scales with the
 * data, which is what the widely used reimplementations' constants amount to (fb.resnet.torch's
 * 0.2175, 0.0188, 0.0045 for ImageNet on 0..1).
 *
 * @param channels C
 * @param vectors C x C, row-major: entry [c * C + i] is channel c of component i; components by
 *     decreasing variance
 * @param deviations sigma_i, decreasing
 */
public record PcaLighting(int channels, float[] vectors, float[] deviations) {

  /**
   * Over every pixel of the examples listed (null: all), summed in double: per-channel means,
   * the C x C covariance, and its eigen-decomposition (cyclic Jacobi, exact to double rounding
   * for matrices this small).
   */
  public static PcaLighting of(Dataset data, int[] examples) {
    if (!data.shape().isVolume()) {
      throw new DataException("dataset " + data.name() + " holds examples of " + data.shape() + ", not images; PCA lighting needs C x H x W images");
    }
    int c = data.shape().c(), plane = data.shape().h() * data.shape().w(), per = c * plane;
    int count = examples == null ? data.size() : examples.length;
    if (count == 0) throw new DataException("dataset " + data.name() + " has no examples to compute colour components from");
    float[] x = data.images();
    double[] mean = new double[c];
    for (int e = 0; e < count; e++) {
      int base = (examples == null ? e : examples[e]) * per;
      for (int ch = 0; ch < c; ch++) for (int p = base + ch * plane, end = p + plane; p < end; p++) mean[ch] += x[p];
    }
    double pixels = (double) count * plane;
    for (int ch = 0; ch < c; ch++) mean[ch] /= pixels;
    double[] cov = new double[c * c];
    double[] d = new double[c];
    for (int e = 0; e < count; e++) {
      int base = (examples == null ? e : examples[e]) * per;
      for (int p = 0; p < plane; p++) {
        for (int a = 0; a < c; a++) d[a] = x[base + a * plane + p] - mean[a];
        for (int a = 0; a < c; a++) for (int b = a; b < c; b++) cov[a * c + b] += d[a] * d[b];
      }
    }
    for (int a = 0; a < c; a++) {
      for (int b = a; b < c; b++) {
        cov[a * c + b] /= pixels;
        cov[b * c + a] = cov[a * c + b];
      }
    }
    return fromCovariance(cov, c);
  }

  /** The components of a C x C covariance matrix (row-major, symmetric). */
  static PcaLighting fromCovariance(double[] cov, int c) {
    double[] a = cov.clone();
    double[] v = new double[c * c];
    for (int i = 0; i < c; i++) v[i * c + i] = 1;
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < c; p++) for (int q = p + 1; q < c; q++) off += a[p * c + q] * a[p * c + q];
      if (off < 1e-30) break;
      for (int p = 0; p < c; p++) {
        for (int q = p + 1; q < c; q++) {
          double apq = a[p * c + q];
          if (apq == 0) continue;
          // the rotation that zeroes a[p][q] (Golub and Van Loan, 8.4.2)
          double theta = (a[q * c + q] - a[p * c + p]) / (2 * apq);
          double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
          for (int k = 0; k < c; k++) {  // A = A J
            double akp = a[k * c + p], akq = a[k * c + q];
            a[k * c + p] = cs * akp - sn * akq;
            a[k * c + q] = sn * akp + cs * akq;
          }
          for (int k = 0; k < c; k++) {  // A = J^T A
            double apk = a[p * c + k], aqk = a[q * c + k];
            a[p * c + k] = cs * apk - sn * aqk;
            a[q * c + k] = sn * apk + cs * aqk;
          }
          for (int k = 0; k < c; k++) {  // V = V J
            double vkp = v[k * c + p], vkq = v[k * c + q];
            v[k * c + p] = cs * vkp - sn * vkq;
            v[k * c + q] = sn * vkp + cs * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[c];
    for (int i = 0; i < c; i++) order[i] = i;
    java.util.Arrays.sort(order, (i, j) -> Double.compare(a[j * c + j], a[i * c + i]));
    float[] vectors = new float[c * c], deviations = new float[c];
    for (int k = 0; k < c; k++) {
      int i = order[k];
      deviations[k] = (float) Math.sqrt(Math.max(0, a[i * c + i]));  // rounding can leave -1e-20 where the variance is 0
      for (int ch = 0; ch < c; ch++) vectors[ch * c + k] = (float) v[ch * c + i];
    }
    return new PcaLighting(c, vectors, deviations);
  }

  /**
   * What channel {@code ch} of the image drawn from {@code key} is shifted by: sum_i alpha_i *
   * sigma_i * p_i[ch], alpha_i a Gaussian of std {@code std} drawn counter-style from (key, i), so
   * every channel of one image sees the same alphas.
   */
  float shift(int ch, long key, float std) {
    double s = 0;
    for (int i = 0; i < channels; i++) s += gaussian(key, i) * std * deviations[i] * vectors[ch * channels + i];
    return (float) s;
  }

  /** A standard Gaussian by Box-Muller from two hashes of (key, component): no generator state. */
  static double gaussian(long key, int i) {
    double u1 = ((CounterRandom.hash(key, 16 + 2L * i) >>> 11) + 1) * 0x1.0p-53;  // (0, 1]: the log stays finite
    double u2 = (CounterRandom.hash(key, 17 + 2L * i) >>> 11) * 0x1.0p-53;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
