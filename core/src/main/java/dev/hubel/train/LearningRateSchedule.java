package dev.hubel.train;

import java.util.List;

/**
 * The learning rate for each epoch. A schedule sees only the epoch number and the results of the
 * epochs before it, and keeps no state of its own, so a resumed run (given the same history)
 * gets the same rates as an uninterrupted one: step and cosine schedules read the epoch, a
 * plateau schedule reads the validation losses in the history.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /**
   * @param epoch 1-based
   * @param history results of epochs 1..epoch-1, in order
   * @return a positive learning rate
   */
  float learningRate(int epoch, List<EpochResult> history);

  /** TrainConfig's: its learning rate, multiplied by its decay after every epoch. */
  static LearningRateSchedule of(TrainConfig cfg) {
    return (epoch, history) -> cfg.learningRateAt(epoch);
  }
}
