package dev.hubel.train;

import dev.hubel.kernel.ParamUpdates;
import dev.hubel.tensor.Param;
import java.util.ArrayList;
import java.util.List;

/**
 * RMSprop (Hinton's lecture 6e), in PyTorch's formulation: g = grad + decay * w;
 * s = alpha * s + (1 - alpha) * g^2; w -= lr * g / (sqrt(s) + eps), or with momentum
 * b = momentum * b + g / (sqrt(s) + eps), w -= lr * b. Centered, it divides by the gradient's
 * estimated standard deviation, sqrt(s - a^2), a the running mean of g. Slots: {@code square_avg},
 * and {@code momentum_buffer} with momentum, {@code grad_avg} when centered (PyTorch's names).
 */
public final class RmsProp extends SlottedOptimizer {
  public static final String SQUARE_AVG = "square_avg", MOMENTUM_BUFFER = "momentum_buffer", GRAD_AVG = "grad_avg";

  private final OptimizerConfig config;
  private final float alpha, oneMinusAlpha, epsilon, momentum;
  private final int bufferSlot, gradAvgSlot;

  RmsProp(List<Param> params, List<ParamGroup> groups, OptimizerConfig config) {
    super(params, groups, config.learningRate(), slots(config));
    if (config.kind() != OptimizerConfig.Kind.RMSPROP) {
      throw new IllegalArgumentException("RmsProp takes an rmsprop configuration, received " + config.kind());
    }
    this.config = config;
    this.alpha = config.alpha();
    this.oneMinusAlpha = (float) (1.0 - decimal(alpha));
    this.epsilon = config.epsilon();
    this.momentum = config.momentum();
    List<String> slots = slots(config);
    this.bufferSlot = slots.indexOf(MOMENTUM_BUFFER);
    this.gradAvgSlot = slots.indexOf(GRAD_AVG);
  }

  private static List<String> slots(OptimizerConfig c) {
    List<String> s = new ArrayList<>(List.of(SQUARE_AVG));
    if (c.momentum() > 0) s.add(MOMENTUM_BUFFER);
    if (c.centered()) s.add(GRAD_AVG);
    return s;
  }

  /** RMSprop with PyTorch's alpha and epsilon, no momentum, L2 decay on weights only. */
  public static RmsProp rmsProp(List<Param> params, float learningRate, float weightDecay) {
    return (RmsProp) OptimizerConfig.rmsProp(learningRate, weightDecay).build(params);
  }

  @Override
  void update(int i, Param p, float lr) {
    ParamUpdates.rmsProp(p.value(), p.grad(), slot(0, i), gradAvgSlot < 0 ? null : slot(gradAvgSlot, i),
        bufferSlot < 0 ? null : slot(bufferSlot, i), alpha, oneMinusAlpha, epsilon, momentum, lr, decay[i]);
  }

  @Override
  public OptimizerConfig config() {
    return config;
  }
}
