package dev.hubel.train;

import dev.hubel.kernel.ParamUpdates;
import dev.hubel.tensor.Param;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, as AlexNet was trained
 * (momentum 0.9, decay 5e-4), in PyTorch's formulation so that the two agree step for step:
 * g = grad + decay * w;  v = momentum * v + g;  w -= lr * v. With Nesterov's momentum the step is
 * w -= lr * (g + momentum * v) instead. Decay follows the {@link ParamGroup}s: by default only
 * weights are decayed (not biases nor BatchNorm's scale and shift); running statistics are not
 * moved at all. Its one slot of state is {@code velocity}.
 */
public final class Sgd extends SlottedOptimizer {
  public static final String VELOCITY = "velocity";

  private final float momentum;
  private final boolean nesterov;
  private final OptimizerConfig config;

  /** Momentum, no Nesterov; weights decay by {@code weightDecay}, nothing else does. */
  public Sgd(List<Param> params, float learningRate, float momentum, float weightDecay) {
    this(params, ParamGroup.byRole(weightDecay), learningRate, momentum, false,
        OptimizerConfig.sgd(learningRate, momentum, weightDecay));
  }

  /** Parameter groups of your own; the first group's decay is the one {@link #config()} reports. */
  public Sgd(List<Param> params, List<ParamGroup> groups, float learningRate, float momentum, boolean nesterov) {
    this(params, groups, learningRate, momentum, nesterov, OptimizerConfig.sgd(learningRate, momentum,
        groups.isEmpty() ? 0f : groups.getFirst().weightDecay()).withNesterov(nesterov));
  }

  Sgd(List<Param> params, List<ParamGroup> groups, float learningRate, float momentum, boolean nesterov, OptimizerConfig config) {
    super(params, groups, learningRate, List.of(VELOCITY));
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), received " + momentum);
    }
    if (nesterov && momentum == 0) {
      throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0, received " + momentum);
    }
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.config = config;
  }

  @Override
  void update(int i, Param p, float lr) {
    ParamUpdates.sgd(p.value(), p.grad(), slot(0, i), lr, momentum, nesterov, decay[i]);
  }

  /** The momentum buffers, one per entry of {@link #params}: the live arrays, for a checkpoint to save. */
  public List<float[]> velocities() {
    return state(VELOCITY);
  }

  /** Sets the momentum buffers back to a checkpoint's, so that a resumed run steps exactly as an uninterrupted one. */
  public void restore(List<float[]> velocities) {
    restore(Map.of(VELOCITY, velocities), steps());
  }

  public float momentum() {
    return momentum;
  }

  public boolean nesterov() {
    return nesterov;
  }

  @Override
  public OptimizerConfig config() {
    return config;
  }
}
