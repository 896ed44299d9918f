package dev.hubel.train;

import dev.hubel.tensor.Param;
import java.util.List;
import java.util.Locale;

/**
 * Which optimiser a run uses and its settings, as plain data (a checkpoint and a recipe hold it).
 * Defaults are PyTorch's: Adam's betas 0.9 and 0.999 and epsilon 1e-8, RMSprop's alpha 0.99 and
 * epsilon 1e-8. A setting an optimiser does not have (Adam's momentum) stays at its default.
 *
 * @param momentum SGD's and RMSprop's, in [0, 1)
 * @param nesterov SGD only: Nesterov's momentum
 * @param beta1 Adam's decay of the gradient's running mean, in [0, 1)
 * @param beta2 Adam's decay of the squared gradient's running mean, in [0, 1)
 * @param epsilon Adam's and RMSprop's guard against dividing by zero, above 0
 * @param alpha RMSprop's decay of the squared gradient's running mean, in [0, 1)
 * @param centered RMSprop only: divide by the gradient's estimated standard deviation
 * @param weightDecay L2 decay (AdamW: decoupled decay), 0 or more
 * @param decayAll decay biases and BatchNorm's scale and shift too; by default only weights decay
 *     ({@link ParamGroup#byRole})
 */
public record OptimizerConfig(Kind kind, float learningRate, float momentum, boolean nesterov, float beta1, float beta2,
                              float epsilon, float alpha, boolean centered, float weightDecay, boolean decayAll) {

  public enum Kind {
    SGD, ADAM, ADAMW, RMSPROP;

    /** The name a recipe uses: sgd, adam, adamw, rmsprop. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final float BETA1 = 0.9f, BETA2 = 0.999f, EPSILON = 1e-8f, ALPHA = 0.99f;

  public OptimizerConfig {
    if (kind == null) throw new IllegalArgumentException("the optimiser must be named: one of sgd, adam, adamw, rmsprop");
    SlottedOptimizer.requireLearningRate(learningRate);
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), received " + momentum);
    if (momentum > 0 && (kind == Kind.ADAM || kind == Kind.ADAMW)) {
      throw new IllegalArgumentException(kind + " has no momentum setting (received " + momentum + "); its beta1 plays that part");
    }
    if (nesterov && kind != Kind.SGD) throw new IllegalArgumentException("Nesterov momentum is SGD's; " + kind + " has none");
    if (nesterov && momentum == 0) throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0, received " + momentum);
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), received " + beta1);
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), received " + beta2);
    if (!(epsilon > 0) || !Float.isFinite(epsilon)) throw new IllegalArgumentException("epsilon must be above 0, received " + epsilon);
    if (!(alpha >= 0 && alpha < 1)) throw new IllegalArgumentException("alpha must be in [0, 1), received " + alpha);
    if (centered && kind != Kind.RMSPROP) throw new IllegalArgumentException("centered is RMSprop's setting; " + kind + " has none");
    if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be 0 or more, received " + weightDecay);
    }
  }

  /** SGD with momentum (0: none) and L2 decay on weights. */
  public static OptimizerConfig sgd(float learningRate, float momentum, float weightDecay) {
    return new OptimizerConfig(Kind.SGD, learningRate, momentum, false, BETA1, BETA2, EPSILON, ALPHA, false, weightDecay, false);
  }

  /** Adam with L2 decay on weights (0: none). */
  public static OptimizerConfig adam(float learningRate, float weightDecay) {
    return new OptimizerConfig(Kind.ADAM, learningRate, 0, false, BETA1, BETA2, EPSILON, ALPHA, false, weightDecay, false);
  }

  /** AdamW: Adam with decoupled decay on weights (PyTorch's default decay is 0.01). */
  public static OptimizerConfig adamW(float learningRate, float weightDecay) {
    return new OptimizerConfig(Kind.ADAMW, learningRate, 0, false, BETA1, BETA2, EPSILON, ALPHA, false, weightDecay, false);
  }

  /** RMSprop without momentum, L2 decay on weights. */
  public static OptimizerConfig rmsProp(float learningRate, float weightDecay) {
    return new OptimizerConfig(Kind.RMSPROP, learningRate, 0, false, BETA1, BETA2, EPSILON, ALPHA, false, weightDecay, false);
  }

  /** The optimiser over {@code params}' trainable ones, decay per {@link ParamGroup#byRole} (or {@link ParamGroup#all} with decayAll). */
  public Optimizer build(List<Param> params) {
    List<ParamGroup> groups = decayAll ? ParamGroup.all(weightDecay) : ParamGroup.byRole(weightDecay);
    return switch (kind) {
      case SGD -> new Sgd(params, groups, learningRate, momentum, nesterov, this);
      case ADAM, ADAMW -> new Adam(params, groups, this);
      case RMSPROP -> new RmsProp(params, groups, this);
    };
  }

  public OptimizerConfig withLearningRate(float lr) {
    return new OptimizerConfig(kind, lr, momentum, nesterov, beta1, beta2, epsilon, alpha, centered, weightDecay, decayAll);
  }

  public OptimizerConfig withMomentum(float m) {
    return new OptimizerConfig(kind, learningRate, m, nesterov, beta1, beta2, epsilon, alpha, centered, weightDecay, decayAll);
  }

  public OptimizerConfig withNesterov(boolean on) {
    return new OptimizerConfig(kind, learningRate, momentum, on, beta1, beta2, epsilon, alpha, centered, weightDecay, decayAll);
  }

  public OptimizerConfig withBetas(float b1, float b2) {
    return new OptimizerConfig(kind, learningRate, momentum, nesterov, b1, b2, epsilon, alpha, centered, weightDecay, decayAll);
  }

  public OptimizerConfig withEpsilon(float eps) {
    return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, eps, alpha, centered, weightDecay, decayAll);
  }

  public OptimizerConfig withAlpha(float a) {
    return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, a, centered, weightDecay, decayAll);
  }

  public OptimizerConfig withCentered(boolean on) {
    return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, alpha, on, weightDecay, decayAll);
  }

  public OptimizerConfig withWeightDecay(float d) {
    return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, alpha, centered, d, decayAll);
  }

  public OptimizerConfig withDecayAll(boolean on) {
    return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, alpha, centered, weightDecay, on);
  }

  /** One line: "sgd, lr 0.01, momentum 0.9, weight decay 5.0E-4 on weights". */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder().append(kind).append(", lr ").append(learningRate);
    switch (kind) {
      case SGD -> {
        if (momentum > 0) s.append(nesterov ? ", Nesterov momentum " : ", momentum ").append(momentum);
      }
      case ADAM, ADAMW -> s.append(", betas ").append(beta1).append(' ').append(beta2).append(", epsilon ").append(epsilon);
      case RMSPROP -> {
        s.append(", alpha ").append(alpha).append(", epsilon ").append(epsilon);
        if (momentum > 0) s.append(", momentum ").append(momentum);
        if (centered) s.append(", centered");
      }
    }
    if (weightDecay > 0) s.append(kind == Kind.ADAMW ? ", decoupled weight decay " : ", weight decay ").append(weightDecay)
        .append(decayAll ? " on every parameter" : " on weights");
    return s.toString();
  }
}
