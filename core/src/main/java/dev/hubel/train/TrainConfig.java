package dev.hubel.train;

import dev.hubel.data.Augmentation;
import java.util.List;

/**
 * How a model is trained: epochs, batch size, the optimiser and its learning-rate schedule, the
 * validation split, augmentation, normalisation, and the regularisation and stability settings.
 * {@code seed} fixes everything random in a run: the validation split, each epoch's order, each
 * example's augmentation, and random layers' draws. A checkpoint holds the whole config, so a
 * resumed run trains exactly as the uninterrupted one would have.
 *
 * @param optimizer which optimiser and its settings, the learning rate the schedule starts from included
 * @param schedule how the learning rate changes over the run
 * @param validationFraction the part of the training set held out to validate on after every epoch (0: none)
 * @param augmentation how training images are varied ({@link Augmentation#NONE}: not at all)
 * @param normalize compute per-channel mean and std from the training examples and set them as
 *     the model's {@link dev.hubel.model.Normalization} (unless it has one already), so they are
 *     applied in training, evaluation and prediction alike
 * @param labelSmoothing ε: train towards 1 - ε on the label and ε / K spread over all K classes
 *     (Szegedy et al. 2016; PyTorch's label_smoothing), in [0, 1); 0: plain cross-entropy
 * @param clipNorm scale each step's gradient down to this global L2 norm when it is longer
 *     (PyTorch's clip_grad_norm_); 0: no clipping
 * @param earlyStopping stop when validation accuracy has not improved for this many epochs (0: never)
 */
public record TrainConfig(int epochs, int batch, OptimizerConfig optimizer, ScheduleConfig schedule, long seed,
                          double validationFraction, Augmentation augmentation, boolean normalize, float labelSmoothing,
                          float clipNorm, int earlyStopping) {
  public TrainConfig {
    if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, received " + epochs);
    if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, received " + batch);
    if (optimizer == null) throw new IllegalArgumentException("optimizer must be given, e.g. OptimizerConfig.sgd(0.01f, 0.9f, 5e-4f)");
    if (schedule == null) throw new IllegalArgumentException("schedule must be given; ScheduleConfig.constant() for none");
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("the validation fraction must be in [0, 1), received " + validationFraction
          + "; 0.1 holds out a tenth of the training set");
    }
    if (augmentation == null) throw new IllegalArgumentException("augmentation must be given; Augmentation.NONE for none");
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new IllegalArgumentException("label smoothing must be in [0, 1), received " + labelSmoothing + "; 0.1 is usual");
    }
    if (!(clipNorm >= 0) || !Float.isFinite(clipNorm)) {
      throw new IllegalArgumentException("the gradient-norm limit must be 0 (no clipping) or more, received " + clipNorm);
    }
    if (earlyStopping < 0) throw new IllegalArgumentException("early stopping's patience must be 0 (never) or more epochs, received " + earlyStopping);
  }

  /**
   * SGD with momentum and L2 decay; {@code lrDecay} multiplies the learning rate after every
   * epoch (1 keeps it constant; 0.1 is the lecture's "divide by 10").
   */
  public TrainConfig(int epochs, int batch, float learningRate, float momentum, float weightDecay,
                     float lrDecay, long seed, double validationFraction, Augmentation augmentation, boolean normalize) {
    this(epochs, batch, OptimizerConfig.sgd(learningRate, momentum, weightDecay), decay(lrDecay), seed, validationFraction,
        augmentation, normalize, 0f, 0f, 0);
  }

  private static ScheduleConfig decay(float lrDecay) {
    if (!(lrDecay > 0 && lrDecay <= 1)) {
      throw new IllegalArgumentException("the learning-rate decay per epoch must be in (0, 1], received " + lrDecay);
    }
    return lrDecay == 1 ? ScheduleConfig.constant() : ScheduleConfig.exponential(lrDecay);
  }

  /** No validation split, no augmentation, inputs used as given (or as the model's normalisation says). */
  public TrainConfig(int epochs, int batch, float learningRate, float momentum, float weightDecay, float lrDecay, long seed) {
    this(epochs, batch, learningRate, momentum, weightDecay, lrDecay, seed, 0, Augmentation.NONE, false);
  }

  /** A constant learning rate. */
  public TrainConfig(int epochs, int batch, float learningRate, float momentum, float weightDecay, long seed) {
    this(epochs, batch, learningRate, momentum, weightDecay, 1f, seed);
  }

  /** The learning rate the schedule starts from (the optimiser's). */
  public float learningRate() {
    return optimizer.learningRate();
  }

  /** The optimiser's momentum (0 for Adam, whose beta1 plays that part). */
  public float momentum() {
    return optimizer.momentum();
  }

  public float weightDecay() {
    return optimizer.weightDecay();
  }

  /** What the rate is multiplied by after every epoch for an exponential schedule; 1 for every other. */
  public float lrDecay() {
    return schedule.kind() == ScheduleConfig.Kind.EXPONENTIAL ? schedule.gamma() : 1f;
  }

  /** Learning rate during epoch e (1-based) for a schedule that reads no history (not a plateau), before any warm-up. */
  public float learningRateAt(int epoch) {
    return LearningRateSchedule.of(this).learningRate(epoch, List.of());
  }

  public TrainConfig withEpochs(int epochs) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, validationFraction, augmentation, normalize, labelSmoothing, clipNorm, earlyStopping);
  }

  public TrainConfig withBatch(int batch) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, validationFraction, augmentation, normalize, labelSmoothing, clipNorm, earlyStopping);
  }

  public TrainConfig withSeed(long seed) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, validationFraction, augmentation, normalize, labelSmoothing, clipNorm, earlyStopping);
  }

  public TrainConfig withValidation(double fraction) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, fraction, augmentation, normalize, labelSmoothing, clipNorm, earlyStopping);
  }

  public TrainConfig withAugmentation(Augmentation a) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, validationFraction, a, normalize, labelSmoothing, clipNorm, earlyStopping);
  }

  public TrainConfig withNormalize(boolean on) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, validationFraction, augmentation, on, labelSmoothing, clipNorm, earlyStopping);
  }

  public TrainConfig withOptimizer(OptimizerConfig o) {
    return new TrainConfig(epochs, batch, o, schedule, seed, validationFraction, augmentation, normalize, labelSmoothing, clipNorm, earlyStopping);
  }

  public TrainConfig withSchedule(ScheduleConfig s) {
    return new TrainConfig(epochs, batch, optimizer, s, seed, validationFraction, augmentation, normalize, labelSmoothing, clipNorm, earlyStopping);
  }

  public TrainConfig withLabelSmoothing(float epsilon) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, validationFraction, augmentation, normalize, epsilon, clipNorm, earlyStopping);
  }

  public TrainConfig withClipNorm(float maxNorm) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, validationFraction, augmentation, normalize, labelSmoothing, maxNorm, earlyStopping);
  }

  public TrainConfig withEarlyStopping(int patience) {
    return new TrainConfig(epochs, batch, optimizer, schedule, seed, validationFraction, augmentation, normalize, labelSmoothing, clipNorm, patience);
  }
}
