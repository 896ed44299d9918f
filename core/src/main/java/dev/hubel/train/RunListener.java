package dev.hubel.train;

import java.util.List;

/**
 * Follows a {@link TrainingRun}: a progress display, the run's folder, a checkpoint writer, a
 * live dashboard. Called on the training thread; a listener that throws stops the run.
 */
public interface RunListener {

  /** Before the first epoch (of this process: after a resume, the first one still to run). */
  default void runStarted(TrainingRun run) {}

  /** After every training step. Runs in the hot loop: return quickly, allocate nothing on most calls. */
  default void batchEnded(BatchProgress progress) {}

  /** After each epoch, its validation included. */
  default void epochEnded(EpochEnd end) {}

  /** After the last epoch, with every epoch's result (those before a resume included). */
  default void runEnded(List<EpochResult> history) {}
}
