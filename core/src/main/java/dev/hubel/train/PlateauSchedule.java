package dev.hubel.train;

import java.util.List;

/**
 * "Divide the learning rate by 10 when the validation accuracy stops improving": PyTorch's
 * ReduceLROnPlateau (relative threshold, no cooldown), replayed over the history at every call
 * rather than kept as state, so that a resumed run gets the same rates as an uninterrupted one.
 * After each epoch: the metric improves when it beats the best so far by more than
 * {@code threshold} (relatively); after more than {@code patience} epochs without improvement the
 * rate is multiplied by {@code factor}, never below {@code floor}, and the count starts again.
 */
record PlateauSchedule(float base, Metric monitor, float factor, int patience, float floor, float threshold)
    implements LearningRateSchedule {

  @Override
  public float learningRate(int epoch, List<EpochResult> history) {
    double lr = base;
    double best = monitor.higherIsBetter() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    int bad = 0;
    for (int i = 0; i < history.size(); i++) {
      double current = monitor.of(history.get(i), "the plateau schedule");
      boolean better = monitor.higherIsBetter() ? current > best * (1 + (double) threshold) : current < best * (1 - (double) threshold);
      if (better) {
        best = current;
        bad = 0;
      } else {
        bad++;
      }
      if (bad > patience) {
        double reduced = Math.max(lr * factor, floor);
        if (lr - reduced > 1e-8) lr = reduced;  // PyTorch's eps: a step too small to matter is not taken
        bad = 0;
      }
    }
    return (float) lr;
  }
}
