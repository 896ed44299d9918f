package dev.hubel.op;

import dev.hubel.tensor.Shape;

/**
 * A parameter an op declares: {@code role} is "weight" or "bias"; fan-in and fan-out are what He
 * and Xavier initialisation scale by.
 */
public record ParamSpec(String role, Shape shape, int fanIn, int fanOut) {
  public boolean isBias() {
    return role.equals("bias");
  }
}
