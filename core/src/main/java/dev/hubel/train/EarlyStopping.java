package dev.hubel.train;

import java.util.List;

/**
 * Stop training when validation accuracy has not improved (beaten its best so far) for
 * {@code patience} epochs. Read from the history alone, so a resumed run stops where the
 * uninterrupted one would have.
 */
final class EarlyStopping {
  private EarlyStopping() {}

  static boolean due(List<EpochResult> history, int patience) {
    if (patience == 0 || history.isEmpty()) return false;
    int best = 0;
    for (int i = 0; i < history.size(); i++) {
      if (Metric.VAL_ACCURACY.of(history.get(i), "early stopping") > history.get(best).validationAccuracy()) best = i;
    }
    return history.size() - 1 - best >= patience;
  }
}
