package dev.hubel.data;

import dev.hubel.model.Normalization;
import dev.hubel.tensor.Shape;

/**
 * Cuts a dataset (or the examples of it listed) into batches, epoch after epoch: shuffled in an
 * order drawn from (seed, epoch) alone, augmented per example from (seed, epoch, example index),
 * then normalised per channel; the last batch of an epoch holds what is left.
 *
 * <p>Because nothing is carried from one epoch to the next, epoch k's batches are the same
 * whether or not epochs 1..k-1 ran in this process: a resumed run sees what an uninterrupted one
 * saw. With {@link #prefetch(boolean) prefetch} (the default) batches are prepared on a daemon
 * thread into a ring of three preallocated buffers; the batches are identical either way.
 * Nothing is allocated per batch.
 *
 * <pre>{@code
 * try (BatchLoader batches = new BatchLoader(data, split.train(), 32).shuffle(seed).augment(aug).normalize(norm)) {
 *   for (int epoch = 1; epoch <= epochs; epoch++) {
 *     batches.begin(epoch);
 *     for (Batch b; (b = batches.next()) != null; ) train(b.images(), b.labels(), b.count());
 *   }
 * }
 * }</pre>
 */
public final class BatchLoader implements AutoCloseable {
  private static final int RING = 3;  // one being trained on, two ready

  private final Dataset data;
  private final int[] examples;  // the dataset indices this loader draws from, in their given order
  private final int[] order;     // this epoch's order of them
  private final int batch;
  private final int c, plane, per;
  private boolean shuffle;
  private long seed;
  private Augmentation augmentation = Augmentation.NONE;
  private PcaLighting lighting;
  private Normalization normalization;
  private boolean prefetch = true;

  private Batch[] ring;
  private Prefetcher prefetcher;
  private int epoch;
  private int next;       // without prefetch: the next batch number of the epoch
  private boolean begun;

  /** Every example of {@code data}, in batches of {@code batch}. */
  public BatchLoader(Dataset data, int batch) {
    this(data, null, batch);
  }

  /** The examples of {@code data} listed in {@code examples} (null: all), in batches of {@code batch}. */
  public BatchLoader(Dataset data, int[] examples, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, received " + batch);
    this.data = data;
    if (examples == null) {
      examples = new int[data.size()];
      for (int i = 0; i < examples.length; i++) examples[i] = i;
    } else {
      examples = examples.clone();
      for (int i = 0; i < examples.length; i++) {
        if (examples[i] < 0 || examples[i] >= data.size()) {
          throw new DataException("dataset " + data.name() + ": example index " + examples[i] + " at position " + i
              + " is outside 0.." + (data.size() - 1));
        }
      }
    }
    if (examples.length == 0) throw new DataException("dataset " + data.name() + ": no examples to make batches of");
    this.examples = examples;
    this.order = examples.clone();
    this.batch = batch;
    Shape shape = data.shape();
    this.c = shape.isVolume() ? shape.c() : 1;
    this.per = shape.size();
    this.plane = per / c;
  }

  /** Shuffles every epoch, in an order drawn from (seed, epoch); without it, batches follow the listed order. */
  public BatchLoader shuffle(long seed) {
    requireNotBegun();
    this.shuffle = true;
    this.seed = seed;
    return this;
  }

  /**
   * Varies each example as {@code a} says, drawn from (seed, epoch, example index); the seed is
   * {@link #shuffle}'s. With PCA lighting, the colour components are computed here, once, from
   * this loader's examples.
   */
  public BatchLoader augment(Augmentation a) {
    requireNotBegun();
    a.requireFits(data.shape(), "dataset " + data.name());
    this.augmentation = a;
    // colour components of the examples this loader trains on (the training split), as AlexNet took them from its training set
    this.lighting = a.lighting() > 0 ? PcaLighting.of(data, examples) : null;
    return this;
  }

  /** Applies {@code n} (after any augmentation, so padding stays black as in the recipes); null: none. */
  public BatchLoader normalize(Normalization n) {
    requireNotBegun();
    if (n != null && n.channels() != c) {
      throw new DataException("dataset " + data.name() + " has " + c + " channel" + (c == 1 ? "" : "s")
          + " per example; a normalisation for " + n.channels() + " does not fit it");
    }
    this.normalization = n;
    return this;
  }

  /** Prepares batches on a background thread (default on); off, {@link #next()} prepares each in the caller. */
  public BatchLoader prefetch(boolean on) {
    requireNotBegun();
    this.prefetch = on;
    return this;
  }

  /** Batches per epoch, the last one possibly partial. */
  public int batches() {
    return (examples.length + batch - 1) / batch;
  }

  /** Examples per epoch. */
  public int size() {
    return examples.length;
  }

  public int batchSize() {
    return batch;
  }

  /** Starts epoch {@code epoch} (1-based as the training loop counts; any int works). */
  public void begin(int epoch) {
    if (begun && !(prefetcher != null ? prefetcher.finished() : next == batches())) {
      throw new IllegalStateException("dataset " + data.name() + ": epoch " + this.epoch
          + " has batches unread; read an epoch to its end (next() returns null) before beginning another");
    }
    if (ring == null) {
      ring = new Batch[prefetch ? RING : 1];
      for (int i = 0; i < ring.length; i++) ring[i] = new Batch(batch, per);
      if (prefetch) prefetcher = new Prefetcher(ring, this::fill, "hubel-prefetch-" + data.name());
    }
    begun = true;
    this.epoch = epoch;
    // The producer is idle here (the last epoch was read to its end); begin() publishes the new order to it.
    System.arraycopy(examples, 0, order, 0, examples.length);
    if (shuffle) CounterRandom.shuffle(order, order.length, CounterRandom.hash(CounterRandom.hash(seed, CounterRandom.ORDER), epoch));
    next = 0;
    if (prefetcher != null) prefetcher.begin(epoch, batches());
  }

  /** The epoch's next batch, or null after its last. The batch is valid until the next call. */
  public Batch next() {
    if (!begun) throw new IllegalStateException("call begin(epoch) before next()");
    if (prefetcher != null) return prefetcher.next();
    if (next == batches()) return null;
    fill(ring[0], epoch, next);
    next++;
    return ring[0];
  }

  /** Fills {@code b} with batch {@code number} of the current order. */
  private void fill(Batch b, int epoch, int number) {
    int start = number * batch, n = Math.min(batch, order.length - start);
    float[] images = data.images();
    int[] labels = data.labels();
    long key = CounterRandom.hash(CounterRandom.hash(seed, CounterRandom.AUGMENT), epoch);
    boolean augment = !augmentation.isNone();
    int h = augment ? data.shape().h() : 0, w = augment ? data.shape().w() : 0;
    for (int i = 0; i < n; i++) {
      int example = order[start + i];
      b.examples[i] = example;
      b.labels[i] = labels[example];
      if (augment) augmentation.apply(images, example * per, b.images, i * per, c, h, w, CounterRandom.hash(key, example), lighting);
      else System.arraycopy(images, example * per, b.images, i * per, per);
    }
    if (normalization != null) normalization.apply(b.images, n, plane);
    b.count = n;
    b.epoch = epoch;
    b.number = number;
  }

  private void requireNotBegun() {
    if (begun) throw new IllegalStateException("set a loader up before its first begin()");
  }

  /** Ends the prefetch thread, if one was started. */
  @Override
  public void close() {
    if (prefetcher != null) prefetcher.close();
  }
}
