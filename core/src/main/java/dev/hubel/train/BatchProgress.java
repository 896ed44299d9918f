package dev.hubel.train;

/**
 * Where the current epoch stands, after each training step. One object is updated in place
 * (reporting progress must not allocate per step): read it in the callback, don't keep it.
 */
public final class BatchProgress {
  int epoch;
  int epochs;
  int batch;
  int batches;
  long images;
  long imagesInEpoch;
  double lossSum;
  long correct;
  long startNanos;
  long nowNanos;

  /** 1-based. */
  public int epoch() {
    return epoch;
  }

  public int epochs() {
    return epochs;
  }

  /** Batches done in this epoch. */
  public int batch() {
    return batch;
  }

  /** Batches in this epoch. */
  public int batches() {
    return batches;
  }

  /** Images trained on so far in this epoch. */
  public long images() {
    return images;
  }

  public long imagesInEpoch() {
    return imagesInEpoch;
  }

  /** Mean training loss over this epoch's batches so far. */
  public double loss() {
    return images == 0 ? Double.NaN : lossSum / images;
  }

  /** Training accuracy over this epoch's batches so far. */
  public double accuracy() {
    return images == 0 ? Double.NaN : (double) correct / images;
  }

  public double seconds() {
    return (nowNanos - startNanos) / 1e9;
  }

  public double imagesPerSecond() {
    double s = seconds();
    return s > 0 ? images / s : 0;
  }

  /** Seconds this epoch's training still needs at the speed so far. */
  public double secondsLeft() {
    return images == 0 ? Double.NaN : seconds() * (imagesInEpoch - images) / images;
  }
}
