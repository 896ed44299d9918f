package dev.hubel.tensor;

/**
 * A learned parameter: its values, the gradient the last backward pass left in it, and what the
 * initialiser and optimiser need to know about it.
 *
 * @param name    where it lives, e.g. {@code CONV1.weight}
 * @param fanIn   inputs that feed one output unit (He and Xavier initialisation)
 * @param fanOut  outputs one input unit feeds (Xavier initialisation)
 * @param isBias  biases start at zero and get no weight decay
 */
public record Param(String name, Shape shape, float[] value, float[] grad, int fanIn, int fanOut, boolean isBias) {

  public Param(String name, Shape shape, int fanIn, int fanOut, boolean isBias) {
    this(name, shape, new float[shape.size()], new float[shape.size()], fanIn, fanOut, isBias);
  }

  public int size() {
    return value.length;
  }
}
