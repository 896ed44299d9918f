package dev.hubel.train;

import dev.hubel.kernel.ParamUpdates;
import dev.hubel.tensor.Param;
import java.util.List;

/** The global L2 norm of the parameters' gradients, and clipping to it (PyTorch's clip_grad_norm_). */
public final class GradientNorm {
  private GradientNorm() {}

  /** sqrt of the sum of every squared gradient entry, summed in double; NaN or infinite when a gradient is. */
  public static double of(List<Param> params) {
    double s = 0;
    for (int i = 0; i < params.size(); i++) s += ParamUpdates.sumOfSquares(params.get(i).grad());  // indexed: runs every step
    return Math.sqrt(s);
  }

  /**
   * Scales every gradient by maxNorm / (norm + 1e-6) when that is below 1, as clip_grad_norm_
   * does (the 1e-6 keeps a zero gradient from dividing by zero), given the norm {@link #of} them.
   */
  public static void clip(List<Param> params, float maxNorm, double norm) {
    float coef = (float) (maxNorm / (norm + 1e-6));
    if (coef >= 1f) return;
    for (int i = 0; i < params.size(); i++) ParamUpdates.scale(params.get(i).grad(), coef);
  }

  /** Clips the gradients to global norm {@code maxNorm}; returns their norm before. */
  public static double clip(List<Param> params, float maxNorm) {
    double norm = of(params);
    clip(params, maxNorm, norm);
    return norm;
  }
}
