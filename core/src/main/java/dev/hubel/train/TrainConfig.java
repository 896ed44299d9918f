package dev.hubel.train;

/**
 * How a model is trained: epochs, batch size, and SGD's learning rate, momentum and L2 weight
 * decay; {@code seed} fixes the order the examples are shuffled in. {@code lrDecay} multiplies
 * the learning rate after every epoch (1 keeps it constant; 0.1 is the lecture's "divide by 10").
 */
public record TrainConfig(int epochs, int batch, float learningRate, float momentum, float weightDecay,
                          float lrDecay, long seed) {
  public TrainConfig {
    if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, received " + epochs);
    if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, received " + batch);
    if (!(lrDecay > 0 && lrDecay <= 1)) {
      throw new IllegalArgumentException("the learning-rate decay per epoch must be in (0, 1], received " + lrDecay);
    }
  }

  /** A constant learning rate. */
  public TrainConfig(int epochs, int batch, float learningRate, float momentum, float weightDecay, long seed) {
    this(epochs, batch, learningRate, momentum, weightDecay, 1f, seed);
  }

  /** The settings the demo uses for LeNet-5 on Fashion-MNIST (88.27% after 2 epochs, seed 1, 2 threads). */
  public static TrainConfig defaults() {
    return new TrainConfig(2, 32, 0.01f, 0.9f, 5e-4f, 0.3f, 1);
  }

  /** Learning rate during epoch e (1-based). */
  public float learningRateAt(int epoch) {
    return (float) (learningRate * Math.pow(lrDecay, epoch - 1));
  }
}
