package dev.hubel.train;

/**
 * How a model is trained: epochs, batch size, and SGD's learning rate, momentum and L2 weight
 * decay; {@code seed} fixes the order the examples are shuffled in.
 */
public record TrainConfig(int epochs, int batch, float learningRate, float momentum, float weightDecay, long seed) {
  public TrainConfig {
    if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, received " + epochs);
    if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, received " + batch);
  }

  /** The settings the demo uses for LeNet-5 on Fashion-MNIST. */
  public static TrainConfig defaults() {
    return new TrainConfig(2, 32, 0.01f, 0.9f, 5e-4f, 1);
  }

  public TrainConfig withEpochs(int e) {
    return new TrainConfig(e, batch, learningRate, momentum, weightDecay, seed);
  }
}
