package dev.hubel.zoo;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;

/**
 * LeNet-5 [LeCun et al., 1998]: [CONV-POOL-CONV-POOL-CONV-FC], 5x5 convolutions at stride 1,
 * 2x2 pooling at stride 2, on 32x32 inputs (28x28 digits zero-padded by 2). As is usual today,
 * ReLU and max pooling stand in for the paper's scaled tanh and trainable subsampling.
 */
public final class LeNet5 {
  private LeNet5() {}

  public static Model build() {
    return build(1, 10);
  }

  public static Model build(int channels, int classes) {
    return build(classes, Shape.chw(channels, 32, 32));
  }

  /**
   * @param input 32x32 as the paper, or 28x28 (MNIST, Fashion-MNIST as they come): then C1 pads by
   *     2 itself, which is the paper's padding done inside the network, and C1 is still 28x28x6
   */
  public static Model build(int classes, Shape input) {
    if (!input.isVolume() || !(input.h() == input.w() && (input.h() == 32 || input.h() == 28))) {
      throw new ShapeException("LeNet-5 takes 32x32 images (or 28x28, padded by 2 in C1), received [" + input
          + "]; resize or pad the images to 32x32");
    }
    int pad = (32 - input.h()) / 2;
    Node x = input(input);              // [32x32x1]
    x = relu(conv2d(x, 6, 5, 1, pad));  // [28x28x6]   C1
    x = maxPool(x, 2, 2);               // [14x14x6]   S2
    x = relu(conv2d(x, 16, 5, 1, 0));   // [10x10x16]  C3
    x = maxPool(x, 2, 2);               // [5x5x16]    S4
    x = relu(conv2d(x, 120, 5, 1, 0));  // [1x1x120]   C5
    x = relu(dense(x, 84));             // [84]        F6
    x = dense(x, classes);              // [10]        output
    return Model.of("LeNet-5", x);
  }
}
