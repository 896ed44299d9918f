package dev.hubel.zoo;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.lrn;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;

/**
 * AlexNet [Krizhevsky et al., 2012] as the lecture's "full (simplified)" table has it: 227x227x3
 * inputs (the paper's 224 does not tile under an 11x11 filter at stride 4), NORM after each of the
 * first two pools, ReLU after every layer but the last, dropout 0.5 on FC6 and FC7.
 *
 * <p>{@code twoTowers} restores the paper's split over two GPUs: CONV2, CONV4 and CONV5 see only
 * the half of the maps computed on their own GPU (a grouped convolution, 2 groups), which saves
 * 1,413,120 weights.
 */
public final class AlexNet {
  private AlexNet() {}

  /** The lecture's AlexNet: 1000 classes, 227x227x3 inputs, one tower; 62,378,344 parameters. */
  public static Model build() {
    return build(1000, Shape.chw(3, 227, 227), false);
  }

  /**
   * @param input C x H x W; its sides must be 67 + 32k pixels (67, 99, ..., 227) for every window to
   *     tile its input exactly
   */
  public static Model build(int classes, Shape input, boolean twoTowers) {
    int groups = twoTowers ? 2 : 1;
    try {
      Node x = input(input);                       // [227x227x3]   INPUT
      x = relu(conv2d(x, 96, 11, 4, 0));           // [55x55x96]    CONV1
      x = maxPool(x, 3, 2);                        // [27x27x96]    MAX POOL1
      x = lrn(x, 5, 1e-4, 0.75, 2);                // [27x27x96]    NORM1
      x = relu(conv2d(x, 256, 5, 1, 2, groups));   // [27x27x256]   CONV2
      x = maxPool(x, 3, 2);                        // [13x13x256]   MAX POOL2
      x = lrn(x, 5, 1e-4, 0.75, 2);                // [13x13x256]   NORM2
      x = relu(conv2d(x, 384, 3, 1, 1));           // [13x13x384]   CONV3
      x = relu(conv2d(x, 384, 3, 1, 1, groups));   // [13x13x384]   CONV4
      x = relu(conv2d(x, 256, 3, 1, 1, groups));   // [13x13x256]   CONV5
      x = maxPool(x, 3, 2);                        // [6x6x256]     MAX POOL3
      x = dropout(relu(dense(x, 4096)), 0.5);      // [4096]        FC6
      x = dropout(relu(dense(x, 4096)), 0.5);      // [4096]        FC7
      x = dense(x, classes);                       // [1000]        FC8
      return Model.of(twoTowers ? "AlexNet (two towers)" : "AlexNet", x);
    } catch (ShapeException e) {
      throw new ShapeException("AlexNet cannot take [" + input + "] inputs: " + e.getMessage()
          + " AlexNet's windows tile sides of 67 + 32k pixels: 67, 99, 131, 163, 195, 227, ...");
    }
  }
}
