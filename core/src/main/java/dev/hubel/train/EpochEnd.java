package dev.hubel.train;

import dev.hubel.model.Model;
import java.util.List;

/**
 * The state of a run after an epoch: what a checkpoint saves. Resuming from it (weights and
 * normalisation into the model, the optimiser's state into {@code sgd},
 * {@link TrainingRun#resumeAfter(int, long, List)} with {@code epoch()}, {@code iteration} and
 * {@code history}) continues exactly as the uninterrupted run does.
 *
 * @param result the epoch's figures
 * @param model the model, its weights as they are after the epoch
 * @param sgd the optimiser, its momentum as it is after the epoch
 * @param iteration training steps so far ({@link dev.hubel.model.Plan#iteration()}): random layers draw from it
 * @param history every epoch's result so far, this one last
 * @param validation the evaluation on the held-out examples, or null when none are held out
 */
public record EpochEnd(EpochResult result, Model model, Sgd sgd, long iteration, List<EpochResult> history,
                       Evaluation validation) {

  /** The epoch that just ended, 1-based. */
  public int epoch() {
    return result.epoch();
  }
}
