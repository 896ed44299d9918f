package dev.hubel.train;

import dev.hubel.data.Dataset;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import java.util.List;
import java.util.function.Consumer;

/** Training and evaluation in one call each; {@link TrainingRun} and {@link Evaluation} do the work and say more. */
public final class Trainer {
  private Trainer() {}

  /**
   * Trains {@code model} in place on {@code data}. Each epoch visits every training example once
   * in an order drawn from (seed, epoch); the last, partial batch is used too. Calls
   * {@code onEpoch} after each.
   */
  public static List<EpochResult> fit(Model model, Dataset data, TrainConfig cfg, Consumer<EpochResult> onEpoch) {
    TrainingRun run = new TrainingRun(model, data, cfg);
    if (onEpoch != null) run.onEpochEnd(end -> onEpoch.accept(end.result()));
    return run.train();
  }

  /** Fraction of {@code data} whose top-scoring class is the label (inputs normalised as the model says). */
  public static double accuracy(Model model, Dataset data, int batch) {
    return Evaluation.of(model, data, batch).accuracy();
  }

  /** Accuracy, top-5, per class and the confusion matrix of {@code model} on {@code data}. */
  public static Evaluation evaluate(Model model, Dataset data, int batch) {
    return Evaluation.of(model, data, batch);
  }

  /** Refuses data of a shape the model does not take or with more classes than it has outputs. */
  static void requireFits(Model model, Dataset data) {
    Plan.requireInputShape(model, data.shape(), data.name());
    int outputs = model.outputShape().size();
    if (data.classes() > outputs) {
      throw new IllegalArgumentException(data.name() + " has " + data.classes() + " classes but " + model.name()
          + " has only " + outputs + " outputs; build the model with " + data.classes() + " classes");
    }
  }
}
