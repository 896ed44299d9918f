package dev.hubel.train;

import java.util.Locale;

/** A figure of an epoch that a schedule or early stopping watches, and which way is better. */
public enum Metric {
  VAL_ACCURACY(true, true), VAL_LOSS(false, true), TRAIN_ACCURACY(true, false), TRAIN_LOSS(false, false);

  private final boolean higherIsBetter;
  private final boolean needsValidation;

  Metric(boolean higherIsBetter, boolean needsValidation) {
    this.higherIsBetter = higherIsBetter;
    this.needsValidation = needsValidation;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** Read on the held-out examples, so a run that holds none out cannot watch it. */
  public boolean needsValidation() {
    return needsValidation;
  }

  /** Its value in {@code r}; refuses an epoch without validation when it needs one, naming {@code who} watches it. */
  public double of(EpochResult r, String who) {
    if (needsValidation && !r.hasValidation()) {
      throw new IllegalStateException(who + " watches " + this + ", but epoch " + r.epoch()
          + " has no validation figures; hold out validation examples (a validation fraction above 0)");
    }
    return switch (this) {
      case VAL_ACCURACY -> r.validationAccuracy();
      case VAL_LOSS -> r.validationLoss();
      case TRAIN_ACCURACY -> r.accuracy();
      case TRAIN_LOSS -> r.loss();
    };
  }

  /** The name a recipe uses: val_accuracy, val_loss, train_accuracy, train_loss. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
