package dev.hubel.op;

/**
 * A compiled op. Conventions every step keeps, which the plan relies on:
 * forward overwrites its output for the first {@code n} examples; backward <em>adds</em> into the
 * gradients of its inputs (where they have one) and of its parameters, so that a node feeding
 * several others receives the sum. The plan zeroes gradients before a backward pass, except those
 * a step has agreed to write instead ({@link #writesGradientOf}).
 */
public interface Step {
  void forward(int n, boolean training);

  void backward(int n);

  /**
   * Called by the plan before every training forward pass with a seed made from the plan's noise
   * seed, its iteration count and this step's place in the plan. A step that draws random numbers
   * (dropout) draws them from this seed alone, counter-style, so that the same seed and iteration
   * give the same masks on any number of threads, and a resumed run repeats them exactly.
   */
  default void reseed(long seed) {}

  /**
   * Asks this step to <em>write</em> the gradient of its input {@code input} (for the first
   * {@code n} examples, every element) in each backward pass from now on, instead of adding into
   * it; returns whether it will. The plan asks the step whose backward reaches that gradient
   * first in a pass, and then does not zero the gradient beforehand: a pass over memory saved,
   * and a read. It never asks for a node the step reads twice (x + x: that gradient is dy twice
   * over). A step that cannot says no.
   */
  default boolean writesGradientOf(int input) {
    return false;
  }

  /**
   * Whether the weights stay as they are from now on ({@code Plan.freezeWeights}): a step that
   * keeps a form derived from them (a Winograd layer's transformed weights) may then make it once,
   * instead of checking on every pass that the weights are still those it was made from.
   */
  default void setWeightsFrozen(boolean frozen) {}

  /** The weights were changed in place: whatever was derived from them must be made again. */
  default void weightsChanged() {}
}
