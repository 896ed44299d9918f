package dev.hubel.train;

import dev.hubel.kernel.Elementwise;
import dev.hubel.tensor.Param;
import java.util.List;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, as AlexNet was trained
 * (momentum 0.9, decay 5e-4), in PyTorch's formulation so that the two agree step for step:
 * g = grad + decay * w;  v = momentum * v + g;  w -= lr * v.
 * Only weights are decayed (not biases nor BatchNorm's scale and shift); running statistics are
 * not moved at all.
 */
public final class Sgd {
  private final List<Param> params;
  private final float[][] velocity;
  private float learningRate;
  private final float momentum;
  private final float weightDecay;

  public Sgd(List<Param> params, float learningRate, float momentum, float weightDecay) {
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, received " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), received " + momentum);
    }
    if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be 0 or more, received " + weightDecay);
    }
    this.params = params.stream().filter(Param::trainable).toList();
    this.velocity = new float[this.params.size()][];
    for (int i = 0; i < velocity.length; i++) velocity[i] = new float[this.params.get(i).size()];
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  /** One update from the gradients the last backward pass left in the parameters. */
  public void step() {
    for (int i = 0; i < velocity.length; i++) {
      Param p = params.get(i);
      Elementwise.sgdMomentum(p.value(), p.grad(), velocity[i], learningRate, momentum,
          p.role().decays() ? weightDecay : 0f);
    }
  }

  /** The parameters it moves (the trainable ones, in the model's order): what {@link #velocities} is parallel to. */
  public List<Param> params() {
    return params;
  }

  /** The momentum buffers, one per entry of {@link #params}: the live arrays, for a checkpoint to save. */
  public List<float[]> velocities() {
    return List.of(velocity);
  }

  /** Sets the momentum buffers back to a checkpoint's, so that a resumed run steps exactly as an uninterrupted one. */
  public void restore(List<float[]> velocities) {
    if (velocities.size() != velocity.length) {
      throw new IllegalArgumentException("this optimiser moves " + velocity.length + " parameters; received "
          + velocities.size() + " velocities");
    }
    for (int i = 0; i < velocity.length; i++) {
      if (velocities.get(i).length != velocity[i].length) {
        throw new IllegalArgumentException(params.get(i).name() + " has " + velocity[i].length
            + " values; its velocity has " + velocities.get(i).length);
      }
    }
    for (int i = 0; i < velocity.length; i++) System.arraycopy(velocities.get(i), 0, velocity[i], 0, velocity[i].length);
  }

  public float learningRate() {
    return learningRate;
  }

  public void setLearningRate(float lr) {
    if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("learning rate must be positive, received " + lr);
    this.learningRate = lr;
  }
}
