package dev.hubel.op;

import dev.hubel.tensor.Param;
import dev.hubel.tensor.Tensor;

/**
 * A step that can, in an inference pass, apply the batch norm that alone reads its output (and
 * the ReLU that alone reads that norm's) to each block of its output while it is in cache, and
 * write the result straight into the norm's (or the ReLU's) output: the plan then skips those
 * steps. Batch norm was 7% of ResNet-50's inference at batch 8 as a pass of its own. The
 * arithmetic is the norm's own, in its order, so the bits are those of the steps apart.
 */
public interface FusesNorm {
  /**
   * From now on, inference passes write {@code (y - mean) * (gamma / sqrt(var + eps)) + beta}
   * (then max(0, .) when relu) into {@code target} instead of y into this step's own output;
   * a null target stops it. The parameters are the norm's: scale, shift, running mean and
   * running variance, read afresh by every pass.
   */
  void fuseNorm(Param gamma, Param beta, Param mean, Param var, Tensor target, boolean relu);

  /**
   * Whether {@link #fuseResidual} may be called: whether every inference pass of this step ends
   * in one place where the residual can be added as the output is written.
   */
  default boolean fusesResidual() {
    return false;
  }

  /**
   * With the norm fused: from now on, inference passes add {@code residual}'s entry at the same
   * index to the norm's output (a residual block's shortcut, added by the step after the norm),
   * then take max(0, .) when relu, and write that into {@code target}, so that the plan skips the
   * add (and its ReLU) too. The arithmetic is the add's, after the norm's, so the bits are those
   * of the steps apart. {@link #fuseNorm} with a null target stops both.
   */
  default void fuseResidual(Tensor residual, Tensor target, boolean relu) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot add a residual as it writes");
  }
}
