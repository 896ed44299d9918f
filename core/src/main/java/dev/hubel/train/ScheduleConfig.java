package dev.hubel.train;

import java.util.List;
import java.util.Locale;

/**
 * Which learning-rate schedule a run uses and its settings, as plain data (a checkpoint and a
 * recipe hold it); {@link #schedule} makes the {@link LearningRateSchedule}. Settings a kind does
 * not use stay at their defaults. Any kind can start with a linear warm-up.
 *
 * @param gamma what the rate is multiplied by: after every epoch (exponential), every
 *     {@code stepSize} epochs (step), at each milestone (multi-step), on a plateau (its factor)
 * @param stepSize step: epochs between reductions
 * @param milestones multi-step: the epochs after which the rate is reduced, increasing
 * @param epochs cosine: the epochs the half cosine spans (0: the whole run)
 * @param minLearningRate cosine: the rate it ends near; plateau: the floor
 * @param patience plateau: epochs without improvement to wait before reducing
 * @param threshold plateau: the relative improvement that counts (PyTorch's default 1e-4)
 * @param monitor plateau: what it watches (the lecture's recipe: validation accuracy)
 * @param warmupEpochs epochs of linear warm-up, step by step (0: none)
 * @param warmupStartFactor the share of the rate the warm-up starts from, in (0, 1]
 */
public record ScheduleConfig(Kind kind, float gamma, int stepSize, List<Integer> milestones, int epochs,
                             float minLearningRate, int patience, float threshold, Metric monitor, int warmupEpochs,
                             float warmupStartFactor) {

  public enum Kind {
    CONSTANT, EXPONENTIAL, STEP, MULTI_STEP, COSINE, PLATEAU;

    /** The name a recipe uses: constant, exponential, step, multi-step, cosine, plateau. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public ScheduleConfig {
    if (kind == null) {
      throw new IllegalArgumentException("the schedule must be named: one of constant, exponential, step, multi-step, cosine, plateau");
    }
    milestones = milestones == null ? List.of() : List.copyOf(milestones);
    if (monitor == null) monitor = Metric.VAL_ACCURACY;
    boolean reduces = kind == Kind.PLATEAU;
    if (reduces ? !(gamma > 0 && gamma < 1) : !(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("the " + kind + " schedule's " + (reduces ? "factor must be in (0, 1)" : "gamma must be in (0, 1]")
          + ", received " + gamma + "; 0.1 divides the rate by 10");
    }
    if (stepSize < 1) throw new IllegalArgumentException("the step size must be at least 1 epoch, received " + stepSize);
    if (kind == Kind.MULTI_STEP && milestones.isEmpty()) {
      throw new IllegalArgumentException("a multi-step schedule needs milestones, the epochs after which the rate is reduced");
    }
    for (int i = 0; i < milestones.size(); i++) {
      if (milestones.get(i) < 1 || (i > 0 && milestones.get(i) <= milestones.get(i - 1))) {
        throw new IllegalArgumentException("milestones must be epochs from 1 up, each above the one before; received " + milestones);
      }
    }
    if (epochs < 0) throw new IllegalArgumentException("the cosine schedule's epochs must be 0 (the whole run) or more, received " + epochs);
    if (!(minLearningRate >= 0) || !Float.isFinite(minLearningRate)) {
      throw new IllegalArgumentException("the minimum learning rate must be 0 or more, received " + minLearningRate);
    }
    if (patience < 0) throw new IllegalArgumentException("patience must be 0 or more epochs, received " + patience);
    if (!(threshold >= 0 && threshold < 1)) throw new IllegalArgumentException("the threshold must be in [0, 1), received " + threshold);
    if (warmupEpochs < 0) throw new IllegalArgumentException("warm-up must be 0 or more epochs, received " + warmupEpochs);
    if (!(warmupStartFactor > 0 && warmupStartFactor <= 1)) {
      throw new IllegalArgumentException("the warm-up's start factor must be in (0, 1], received " + warmupStartFactor);
    }
  }

  private static ScheduleConfig of(Kind kind, float gamma, int stepSize, List<Integer> milestones, int epochs, float min, int patience) {
    return new ScheduleConfig(kind, gamma, stepSize, milestones, epochs, min, patience, 1e-4f, Metric.VAL_ACCURACY, 0, 0.1f);
  }

  public static ScheduleConfig constant() {
    return of(Kind.CONSTANT, 1, 1, List.of(), 0, 0, 0);
  }

  /** The rate multiplied by {@code gamma} after every epoch (TrainConfig's lrDecay). */
  public static ScheduleConfig exponential(float gamma) {
    return of(Kind.EXPONENTIAL, gamma, 1, List.of(), 0, 0, 0);
  }

  public static ScheduleConfig step(int stepSize, float gamma) {
    return of(Kind.STEP, gamma, stepSize, List.of(), 0, 0, 0);
  }

  public static ScheduleConfig multiStep(List<Integer> milestones, float gamma) {
    return of(Kind.MULTI_STEP, gamma, 1, milestones, 0, 0, 0);
  }

  /** Half a cosine over the whole run, down towards {@code minLearningRate}. */
  public static ScheduleConfig cosine(float minLearningRate) {
    return of(Kind.COSINE, 1, 1, List.of(), 0, minLearningRate, 0);
  }

  /** Divide by 1/factor when validation accuracy has not improved for more than {@code patience} epochs, never below {@code floor}. */
  public static ScheduleConfig plateau(float factor, int patience, float floor) {
    return of(Kind.PLATEAU, factor, 1, List.of(), 0, floor, patience);
  }

  public ScheduleConfig withCosineEpochs(int e) {
    return new ScheduleConfig(kind, gamma, stepSize, milestones, e, minLearningRate, patience, threshold, monitor, warmupEpochs, warmupStartFactor);
  }

  public ScheduleConfig withMonitor(Metric m) {
    return new ScheduleConfig(kind, gamma, stepSize, milestones, epochs, minLearningRate, patience, threshold, m, warmupEpochs, warmupStartFactor);
  }

  public ScheduleConfig withThreshold(float t) {
    return new ScheduleConfig(kind, gamma, stepSize, milestones, epochs, minLearningRate, patience, t, monitor, warmupEpochs, warmupStartFactor);
  }

  public ScheduleConfig withWarmup(int epochs, float startFactor) {
    return new ScheduleConfig(kind, gamma, stepSize, milestones, this.epochs, minLearningRate, patience, threshold, monitor, epochs, startFactor);
  }

  /** Whether the schedule reads validation figures (a plateau on a validation metric). */
  public boolean needsValidation() {
    return kind == Kind.PLATEAU && monitor.needsValidation();
  }

  /** The schedule from {@code base} for a run of {@code runEpochs} epochs. */
  public LearningRateSchedule schedule(float base, int runEpochs) {
    LearningRateSchedule s = switch (kind) {
      case CONSTANT -> LearningRateSchedule.constant(base);
      case EXPONENTIAL -> LearningRateSchedule.exponential(base, gamma);
      case STEP -> LearningRateSchedule.step(base, stepSize, gamma);
      case MULTI_STEP -> LearningRateSchedule.multiStep(base, milestones, gamma);
      case COSINE -> LearningRateSchedule.cosine(base, epochs == 0 ? runEpochs : epochs, minLearningRate);
      case PLATEAU -> LearningRateSchedule.plateau(base, monitor, gamma, patience, minLearningRate, threshold);
    };
    return s.withWarmup(warmupEpochs, warmupStartFactor);
  }

  /** One line: "plateau on val_accuracy: x0.1 after 2 epochs without improvement, floor 1.0E-5". */
  @Override
  public String toString() {
    String s = switch (kind) {
      case CONSTANT -> "constant";
      case EXPONENTIAL -> "exponential: x" + gamma + " every epoch";
      case STEP -> "step: x" + gamma + " every " + stepSize + " epochs";
      case MULTI_STEP -> "multi-step: x" + gamma + " after epochs " + milestones;
      case COSINE -> "cosine" + (epochs == 0 ? "" : " over " + epochs + " epochs") + " to " + minLearningRate;
      case PLATEAU -> "plateau on " + monitor + ": x" + gamma + " after more than " + patience + " epochs without improvement, floor "
          + minLearningRate;
    };
    return warmupEpochs == 0 ? s : s + ", after " + warmupEpochs + " epochs of linear warm-up from x" + warmupStartFactor;
  }
}
