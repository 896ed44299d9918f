package dev.hubel.train;

/**
 * Where a training run stands after an epoch: what a checkpoint keeps besides the weights and the
 * optimiser's state, so that a resumed run continues exactly as an uninterrupted one.
 *
 * @param config       the run's settings; its seed fixes the shuffles and the random layers' noise
 * @param epoch        epochs completed (1-based, as {@link EpochResult}); the run resumes at epoch + 1
 * @param iteration    training forward passes so far ({@code Plan.iteration()}), which random layers draw from
 * @param learningRate the optimiser's learning rate when it was saved
 */
public record TrainingState(TrainConfig config, int epoch, long iteration, float learningRate) {
  public TrainingState {
    if (config == null) throw new IllegalArgumentException("a training state needs the run's TrainConfig");
    if (epoch < 0) throw new IllegalArgumentException("epochs completed must be 0 or more, received " + epoch);
    if (iteration < 0) throw new IllegalArgumentException("iteration must be 0 or more, received " + iteration);
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, received " + learningRate);
    }
  }

  /** The run's seed (the config's). */
  public long seed() {
    return config.seed();
  }
}
