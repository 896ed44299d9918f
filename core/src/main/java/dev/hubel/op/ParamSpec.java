package dev.hubel.op;

import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;

/**
 * A parameter an op declares: its role (weight, bias, BatchNorm's scale and running statistics,
 * ...); fan-in and fan-out are what He and Xavier initialisation scale by.
 */
public record ParamSpec(Role role, Shape shape, int fanIn, int fanOut) {
  public boolean isBias() {
    return role == Role.BIAS;
  }
}
