package dev.hubel.data;

/**
 * One batch from a {@link BatchLoader}: the first {@link #count()} examples of its buffers are
 * valid. The buffers are the loader's own and are refilled: a batch is valid until the next call
 * to {@link BatchLoader#next()}; copy what must outlive it.
 */
public final class Batch {
  final float[] images;  // (batch, C, H, W)
  final int[] labels;    // (batch)
  final int[] examples;  // (batch): the dataset index each example came from
  int count;
  int epoch;
  int number;

  Batch(int batch, int exampleSize) {
    images = new float[batch * exampleSize];
    labels = new int[batch];
    examples = new int[batch];
  }

  /** The images, NCHW, {@code count()} examples valid: augmented and normalised as the loader was told. */
  public float[] images() {
    return images;
  }

  /** Class index of each example. */
  public int[] labels() {
    return labels;
  }

  /** Which example of the dataset each row is. */
  public int[] examples() {
    return examples;
  }

  /** Examples in this batch: the batch size, or fewer for an epoch's last batch. */
  public int count() {
    return count;
  }

  /** The epoch it belongs to (as given to {@link BatchLoader#begin}). */
  public int epoch() {
    return epoch;
  }

  /** Its position in the epoch, from 0. */
  public int number() {
    return number;
  }
}
