package dev.hubel.train;

import java.util.List;

/**
 * The learning rate for each epoch, and for each step of it. A schedule sees only the epoch
 * number (the step within it) and the results of the epochs before it, and keeps no state of its
 * own, so a resumed run (given the same history) gets the same rates as an uninterrupted one:
 * step, multi-step and cosine schedules read the epoch, a plateau schedule replays the history's
 * validation figures, warm-up reads the step.
 *
 * <p>Each is PyTorch's scheduler of the same name, stepped once per epoch (warm-up: once per
 * step), in closed form: StepLR, MultiStepLR, CosineAnnealingLR, ExponentialLR,
 * ReduceLROnPlateau, LinearLR.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /**
   * @param epoch 1-based
   * @param history results of epochs 1..epoch-1, in order
   * @return a positive learning rate
   */
  float learningRate(int epoch, List<EpochResult> history);

  /**
   * The rate for step {@code step} (0-based) of {@code steps} in epoch {@code epoch}, which the
   * training loop asks before every step when {@link #perStep()}; by default the epoch's rate.
   */
  default float learningRate(int epoch, int step, int steps, List<EpochResult> history) {
    return learningRate(epoch, history);
  }

  /** Whether the rate changes within an epoch (warm-up), so that the loop must ask before every step. */
  default boolean perStep() {
    return false;
  }

  /** TrainConfig's: its schedule from its optimiser's learning rate, over its epochs. */
  static LearningRateSchedule of(TrainConfig cfg) {
    return cfg.schedule().schedule(cfg.optimizer().learningRate(), cfg.epochs());
  }

  static LearningRateSchedule constant(float lr) {
    return (epoch, history) -> lr;
  }

  /** lr * gamma^(epoch - 1): the rate multiplied by gamma after every epoch. */
  static LearningRateSchedule exponential(float lr, float gamma) {
    return (epoch, history) -> (float) (lr * Math.pow(gamma, epoch - 1));
  }

  /** The rate multiplied by gamma every {@code every} epochs: epochs 1..every at lr, then lr * gamma, ... */
  static LearningRateSchedule step(float lr, int every, float gamma) {
    return (epoch, history) -> (float) (lr * Math.pow(gamma, (epoch - 1) / every));
  }

  /** The rate multiplied by gamma after each milestone epoch: milestones 30, 60 run epochs 31.. at lr * gamma. */
  static LearningRateSchedule multiStep(float lr, List<Integer> milestones, float gamma) {
    List<Integer> at = List.copyOf(milestones);
    return (epoch, history) -> {
      int passed = 0;
      for (int m : at) if (m <= epoch - 1) passed++;
      return (float) (lr * Math.pow(gamma, passed));
    };
  }

  /**
   * Half a cosine from lr down to {@code min} over {@code epochs} epochs: epoch e runs at
   * min + (lr - min) * (1 + cos(pi * (e - 1) / epochs)) / 2; after them it stays at the last rate.
   * A floor of 0 would end on a rate of 0, which no optimiser takes, so the last epoch's is kept above it.
   */
  static LearningRateSchedule cosine(float lr, int epochs, float min) {
    return (epoch, history) -> {
      int t = Math.min(epoch - 1, epochs - 1);
      return (float) (min + (lr - (double) min) * (1 + Math.cos(Math.PI * t / epochs)) / 2);
    };
  }

  /** Multiplies the rate by {@code factor} when {@code monitor} has not improved for more than {@code patience} epochs; never below {@code floor}. */
  static LearningRateSchedule plateau(float lr, Metric monitor, float factor, int patience, float floor, float threshold) {
    return new PlateauSchedule(lr, monitor, factor, patience, floor, threshold);
  }

  /**
   * This schedule with a linear warm-up over its first {@code epochs} epochs, step by step: step t
   * (counted from 0 over the whole run) runs at this schedule's rate times
   * startFactor + (1 - startFactor) * min(1, t / (epochs * steps per epoch)), as PyTorch's
   * LinearLR stepped every iteration. Large learning rates diverge less when approached gently.
   */
  default LearningRateSchedule withWarmup(int epochs, float startFactor) {
    LearningRateSchedule main = this;
    if (epochs == 0) return main;
    return new LearningRateSchedule() {
      @Override
      public float learningRate(int epoch, List<EpochResult> history) {
        return main.learningRate(epoch, history);
      }

      @Override
      public boolean perStep() {
        return true;
      }

      @Override
      public float learningRate(int epoch, int step, int steps, List<EpochResult> history) {
        double t = (double) (epoch - 1) * steps + step, total = (double) epochs * steps;
        double factor = startFactor + (1 - (double) startFactor) * Math.min(1, t / total);
        return (float) (main.learningRate(epoch, step, steps, history) * factor);
      }
    };
  }
}
