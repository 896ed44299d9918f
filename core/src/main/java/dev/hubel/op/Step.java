package dev.hubel.op;

/**
 * A compiled op. Conventions every step keeps, which the plan relies on:
 * forward overwrites its output for the first {@code n} examples; backward <em>adds</em> into the
 * gradients of its inputs (where they have one) and of its parameters, so that a node feeding
 * several others receives the sum. The plan zeroes gradients before a backward pass.
 */
public interface Step {
  void forward(int n, boolean training);

  void backward(int n);
}
