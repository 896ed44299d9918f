package dev.hubel.train;

import java.util.Locale;

/**
 * What one epoch of training did: mean loss and accuracy over its training batches (as the
 * weights moved), loss and accuracy on the held-out validation examples after it (NaN when none
 * are held out), the learning rate it used, its training speed, and its time in all (training
 * and validation).
 */
public record EpochResult(int epoch, int epochs, double loss, double accuracy, double validationLoss,
                          double validationAccuracy, float learningRate, double imagesPerSecond, double seconds) {

  public boolean hasValidation() {
    return !Double.isNaN(validationLoss);
  }

  /** One line, as the CLI prints it when the output is not a terminal. */
  @Override
  public String toString() {
    String val = hasValidation()
        ? String.format(Locale.ROOT, "  val loss %.4f  val accuracy %.2f%%", validationLoss, 100 * validationAccuracy)
        : "";
    return String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  accuracy %.2f%%%s  lr %s  %,.0f images/s  %.1f s",
        epoch, epochs, loss, 100 * accuracy, val, threeDigits(learningRate), imagesPerSecond, seconds);
  }

  /** 0.0112499995 as 0.0112: a decayed learning rate's float noise is not worth a reader's time. */
  static String threeDigits(float v) {
    return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
