package dev.hubel.op;

import dev.hubel.tensor.Tensor;

/**
 * A step that can, in an inference pass, write max(0, y) straight into the output of the ReLU
 * that alone reads its own output y: the plan then skips that ReLU, sparing a pass over memory
 * and a hand-off to the threads (ResNet-50's ReLUs after batch norm and after the residual add
 * were 4.5% of its time at batch 8; AlphaGo's after each convolution 2%). Batch norm, the
 * residual add and the convolution (its bias and ReLU applied to each block of output while it
 * is in cache) do it. The result is the same bits as the two steps apart. Training passes fuse
 * only where the producer also takes the ReLU's backward pass ({@link FusesReluInTraining}).
 */
public interface FusesRelu {
  /**
   * From now on, inference passes write max(0, y) into {@code reluOutput} instead of y into this
   * step's own output (which they then leave as it was); null stops it.
   */
  void fuseRelu(Tensor reluOutput);
}
