package dev.hubel.train;

import dev.hubel.model.Model;
import java.util.List;

/**
 * The state of a run after an epoch: what a checkpoint saves. Resuming from it (weights and
 * normalisation into the model, the optimiser's state into {@code optimizer},
 * {@link TrainingRun#resumeAfter(int, long, List)} with {@code epoch()}, {@code iteration} and
 * {@code history}) continues exactly as the uninterrupted run does. An epoch in which training
 * diverged never ends this way, so no checkpoint is made from it.
 *
 * @param result the epoch's figures
 * @param model the model, its weights as they are after the epoch
 * @param optimizer the optimiser, its state (momentum, Adam's moments, steps) as it is after the epoch
 * @param iteration training steps so far ({@link dev.hubel.model.Plan#iteration()}): random layers draw from it
 * @param history every epoch's result so far, this one last
 * @param validation the evaluation on the held-out examples, or null when none are held out
 */
public record EpochEnd(EpochResult result, Model model, Optimizer optimizer, long iteration, List<EpochResult> history,
                       Evaluation validation) {

  /** The epoch that just ended, 1-based. */
  public int epoch() {
    return result.epoch();
  }

  /** The optimiser when it is SGD; refuses another, which {@link #optimizer()} gives. */
  public Sgd sgd() {
    if (optimizer instanceof Sgd s) return s;
    throw new IllegalStateException("this run's optimiser is " + optimizer.config().kind() + ", not SGD; use optimizer()");
  }
}
