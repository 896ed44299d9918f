package dev.hubel.train;

/**
 * Training went numerically wrong: a step's loss or gradient was NaN or infinite. The run stops
 * at once, before the optimiser applies that step and before its epoch ends, so no checkpoint is
 * written from the diverged weights: the last one saved is the last good one.
 */
public final class DivergenceException extends RuntimeException {
  private final long step;
  private final int epoch;
  private final String layer;

  /**
   * @param step the training step that diverged (1-based over the run, as {@link TrainingRun#iteration()} counts)
   * @param layer the first layer (or parameter) that went non-finite, or "the loss"
   */
  DivergenceException(long step, int epoch, int batch, int batches, String layer, String what, float lr) {
    super(String.format(java.util.Locale.ROOT,
        "training diverged at step %d (epoch %d, batch %d of %d): %s, first at %s. The run stopped before this step "
            + "changed the weights; the last good checkpoint is the one after epoch %d. Lower the learning rate (it was %s),"
            + " clip the gradient norm, or warm the rate up",
        step, epoch, batch, batches, what, layer, epoch - 1, lr));
    this.step = step;
    this.epoch = epoch;
    this.layer = layer;
  }

  /** The training step that diverged, 1-based over the run. */
  public long step() {
    return step;
  }

  public int epoch() {
    return epoch;
  }

  /** The first layer whose output or gradient went non-finite (a parameter's name when it was a parameter's gradient). */
  public String layer() {
    return layer;
  }
}
