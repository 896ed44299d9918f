package dev.hubel.tensor;

/**
 * A learned parameter (or a running statistic, see {@link Role}): its values, the gradient the
 * last backward pass left in it, and what the initialiser and optimiser need to know about it.
 *
 * @param name    where it lives, e.g. {@code CONV1.weight}
 * @param fanIn   inputs that feed one output unit (He and Xavier initialisation)
 * @param fanOut  outputs one input unit feeds (Xavier initialisation)
 * @param role    how it starts and whether it is trained and decayed
 */
public record Param(String name, Shape shape, float[] value, float[] grad, int fanIn, int fanOut, Role role) {

  public Param(String name, Shape shape, int fanIn, int fanOut, Role role) {
    this(name, shape, new float[shape.size()], new float[shape.size()], fanIn, fanOut, role);
  }

  public int size() {
    return value.length;
  }

  public boolean isBias() {
    return role == Role.BIAS;
  }

  public boolean trainable() {
    return role.trainable();
  }
}
