package dev.hubel.op;

import dev.hubel.tensor.Tensor;

/**
 * A step that, in training passes too, writes max(0, y) straight into the output of the ReLU that
 * alone reads its output y, and whose backward pass then takes that ReLU's output gradient, zero
 * where the ReLU's output is, as its own dy: the plan skips the ReLU's forward and backward passes.
 * Batch norm and the residual add do it: each ReLU after them in ResNet-20's training step cost a
 * pass over memory each way (4% of the step). The bits are those of the steps apart.
 *
 * <p>The step's own output y is then left unwritten by training passes (the ReLU was its only
 * reader); {@link #writeOwnOutput} makes it from what the step kept, for whoever asks to see it.
 */
public interface FusesReluInTraining {
  /** From now on, every training pass writes max(0, y) into {@code relu}'s value, and backward passes read its gradient. */
  void fuseReluInTraining(Tensor relu);

  /** Writes the step's own output y for the first n examples of the last pass, as the pass would have unfused. */
  void writeOwnOutput(int n);
}
