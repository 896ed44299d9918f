package dev.hubel.tensor;

/**
 * What a parameter is for, which decides how it starts, whether the optimiser moves it and
 * whether weight decay pulls it to zero. The keys are PyTorch's, so that a saved model's tensors
 * are named as a PyTorch user expects ({@code CONV1.weight}, {@code BN1.running_mean}).
 */
public enum Role {
  /** Drawn by the initialiser (He, Xavier); trained; decayed. */
  WEIGHT("weight", true, true),
  /** Starts at zero; trained; not decayed (decay on biases only hurts). */
  BIAS("bias", true, false),
  /** A normalisation layer's gain (BatchNorm's gamma): starts at one; trained; not decayed. */
  SCALE("weight", true, false),
  /** A normalisation layer's shift (BatchNorm's beta): starts at zero; trained; not decayed. */
  SHIFT("bias", true, false),
  /** Running mean kept by BatchNorm for inference: starts at zero; updated by the forward pass, never by the optimiser. */
  RUNNING_MEAN("running_mean", false, false),
  /** Running variance kept by BatchNorm for inference: starts at one; as RUNNING_MEAN. */
  RUNNING_VAR("running_var", false, false);

  private final String key;
  private final boolean trainable;
  private final boolean decays;

  Role(String key, boolean trainable, boolean decays) {
    this.key = key;
    this.trainable = trainable;
    this.decays = decays;
  }

  /** The suffix of the parameter's name: {@code CONV1.weight}. */
  public String key() {
    return key;
  }

  /** Moved by the optimiser and counted in a model's parameters (running statistics are not, as in PyTorch). */
  public boolean trainable() {
    return trainable;
  }

  /** Pulled towards zero by L2 weight decay. */
  public boolean decays() {
    return decays;
  }

  /** The value a parameter of this role starts at, or NaN when the initialiser draws it. */
  public float initialValue() {
    return switch (this) {
      case WEIGHT -> Float.NaN;
      case BIAS, SHIFT, RUNNING_MEAN -> 0f;
      case SCALE, RUNNING_VAR -> 1f;
    };
  }
}
