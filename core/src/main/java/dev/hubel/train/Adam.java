package dev.hubel.train;

import dev.hubel.kernel.ParamUpdates;
import dev.hubel.tensor.Param;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015) and AdamW (Loshchilov and Hutter, 2019), in PyTorch's formulation:
 * m = beta1 * m + (1 - beta1) * g;  s = beta2 * s + (1 - beta2) * g^2;
 * w -= lr / (1 - beta1^t) * m / (sqrt(s) / sqrt(1 - beta2^t) + eps).
 * Adam's weight decay is L2, added to the gradient (g = grad + decay * w), so it is scaled down
 * with the gradient wherever s is large; AdamW's is decoupled: w *= 1 - lr * decay before the step.
 * Slots: {@code exp_avg} (m) and {@code exp_avg_sq} (s), PyTorch's names.
 */
public final class Adam extends SlottedOptimizer {
  public static final String EXP_AVG = "exp_avg", EXP_AVG_SQ = "exp_avg_sq";

  private final OptimizerConfig config;
  private final float beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon;
  private final boolean decoupled;
  // this step's bias corrections, computed once per step in double as PyTorch computes them in Python
  private float stepSize, correction2Sqrt;

  /** As {@code config} says (kind ADAM or ADAMW), its decay applied per {@code groups}. */
  Adam(List<Param> params, List<ParamGroup> groups, OptimizerConfig config) {
    super(params, groups, config.learningRate(), List.of(EXP_AVG, EXP_AVG_SQ));
    if (config.kind() != OptimizerConfig.Kind.ADAM && config.kind() != OptimizerConfig.Kind.ADAMW) {
      throw new IllegalArgumentException("Adam takes an adam or adamw configuration, received " + config.kind());
    }
    this.config = config;
    this.beta1 = config.beta1();
    this.beta2 = config.beta2();
    this.oneMinusBeta1 = (float) (1.0 - decimal(beta1));
    this.oneMinusBeta2 = (float) (1.0 - decimal(beta2));
    this.epsilon = config.epsilon();
    this.decoupled = config.kind() == OptimizerConfig.Kind.ADAMW;
  }

  /** Adam with L2 decay {@code weightDecay} on weights (not biases nor normalisation), PyTorch's betas and epsilon. */
  public static Adam adam(List<Param> params, float learningRate, float weightDecay) {
    return (Adam) OptimizerConfig.adam(learningRate, weightDecay).build(params);
  }

  /** AdamW with decoupled decay {@code weightDecay} on weights (not biases nor normalisation). */
  public static Adam adamW(List<Param> params, float learningRate, float weightDecay) {
    return (Adam) OptimizerConfig.adamW(learningRate, weightDecay).build(params);
  }

  @Override
  void update(int i, Param p, float lr) {
    if (i == 0) {
      long t = steps();
      stepSize = (float) (decimal(lr) / (1 - Math.pow(decimal(beta1), t)));
      correction2Sqrt = (float) Math.sqrt(1 - Math.pow(decimal(beta2), t));
    }
    float d = decay[i];
    float shrink = decoupled && d != 0 ? (float) (1 - decimal(lr) * decimal(d)) : 1f;
    ParamUpdates.adam(p.value(), p.grad(), slot(0, i), slot(1, i), beta1, oneMinusBeta1, beta2, oneMinusBeta2,
        stepSize, correction2Sqrt, epsilon, decoupled ? 0f : d, shrink);
  }

  @Override
  public OptimizerConfig config() {
    return config;
  }
}
