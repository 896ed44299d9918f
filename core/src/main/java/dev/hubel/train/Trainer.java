package dev.hubel.train;

import dev.hubel.data.Dataset;
import dev.hubel.kernel.SoftmaxCrossEntropy;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** The training loop: shuffle, batch, step, report; and evaluation on held-out data. */
public final class Trainer {
  private Trainer() {}

  /**
   * Trains {@code model} in place on {@code data}. Each epoch visits every example once in an order
   * drawn from the seed; the last, partial batch is used too. Calls {@code onEpoch} after each.
   */
  public static List<EpochResult> fit(Model model, Dataset data, TrainConfig cfg, Consumer<EpochResult> onEpoch) {
    Plan.requireInputShape(model, data.shape(), data.name());
    requireClasses(model, data);
    Plan plan = model.compile(cfg.batch());
    Sgd sgd = new Sgd(model.params(), cfg.learningRate(), cfg.momentum(), cfg.weightDecay());
    SplittableRandom rng = new SplittableRandom(cfg.seed());
    int[] order = new int[data.size()];
    int[] labels = new int[cfg.batch()];
    List<EpochResult> results = new ArrayList<>();
    for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
      shuffle(order, rng);
      sgd.setLearningRate(cfg.learningRateAt(epoch));
      long start = System.nanoTime();
      double lossSum = 0;
      long correct = 0;
      for (int at = 0; at < order.length; at += cfg.batch()) {
        int n = Math.min(cfg.batch(), order.length - at);
        data.copyBatch(order, at, n, plan.input(), labels);
        lossSum += plan.trainStep(n, labels) * n;
        correct += plan.lastCorrect();
        sgd.step();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      EpochResult r = new EpochResult(epoch, cfg.epochs(), lossSum / order.length,
          (double) correct / order.length, order.length / seconds, seconds);
      results.add(r);
      if (onEpoch != null) onEpoch.accept(r);
    }
    return results;
  }

  /** Fraction of {@code data} whose top-scoring class is the label. */
  public static double accuracy(Model model, Dataset data, int batch) {
    Plan.requireInputShape(model, data.shape(), data.name());
    requireClasses(model, data);
    Plan plan = model.compile(Math.min(batch, data.size()));
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    int[] labels = new int[plan.batch()];
    int classes = model.outputShape().size();
    long correct = 0;
    for (int at = 0; at < order.length; at += plan.batch()) {
      int n = Math.min(plan.batch(), order.length - at);
      data.copyBatch(order, at, n, plan.input(), labels);
      plan.forward(n, false);
      for (int r = 0; r < n; r++) if (SoftmaxCrossEntropy.argmax(plan.output(), r, classes) == labels[r]) correct++;
    }
    return (double) correct / data.size();
  }

  /** Fisher-Yates over 0..n-1, drawn from rng: the same seed always gives the same orders. */
  static void shuffle(int[] order, SplittableRandom rng) {
    for (int i = 0; i < order.length; i++) order[i] = i;
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  private static void requireClasses(Model model, Dataset data) {
    int outputs = model.outputShape().size();
    if (data.classes() > outputs) {
      throw new IllegalArgumentException(data.name() + " has " + data.classes() + " classes but " + model.name()
          + " has only " + outputs + " outputs; build the model with " + data.classes() + " classes");
    }
  }
}
