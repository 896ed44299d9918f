package dev.hubel.zoo;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;

/**
 * VGG-16 [Simonyan & Zisserman, 2014], configuration D: only 3x3 convolutions at stride 1, pad 1
 * (which keep the size) and 2x2 max pools at stride 2 (which halve it), in five blocks of 64, 128,
 * 256, 512 and 512 filters; then FC 4096, 4096 with dropout 0.5, and the class scores.
 * The layers are numbered as one count (CONV1..CONV13, FC14..FC16), the paper's 16 weight layers.
 */
public final class Vgg16 {
  private Vgg16() {}

  /** Configuration D: 1000 classes, 224x224x3 inputs; 138,357,544 parameters. */
  public static Model build() {
    return build(1000, Shape.chw(3, 224, 224));
  }

  /** @param input C x H x W; its sides must be multiples of 32, which the five pools halve exactly */
  public static Model build(int classes, Shape input) {
    try {
      Node x = input(input);                   // [224x224x3]
      x = relu(conv2d(x, 64, 3, 1, 1));        // [224x224x64]   CONV1
      x = relu(conv2d(x, 64, 3, 1, 1));        // [224x224x64]   CONV2
      x = maxPool(x, 2, 2);                    // [112x112x64]   MAX POOL1
      x = relu(conv2d(x, 128, 3, 1, 1));       // [112x112x128]  CONV3
      x = relu(conv2d(x, 128, 3, 1, 1));       // [112x112x128]  CONV4
      x = maxPool(x, 2, 2);                    // [56x56x128]    MAX POOL2
      x = relu(conv2d(x, 256, 3, 1, 1));       // [56x56x256]    CONV5
      x = relu(conv2d(x, 256, 3, 1, 1));       // [56x56x256]    CONV6
      x = relu(conv2d(x, 256, 3, 1, 1));       // [56x56x256]    CONV7
      x = maxPool(x, 2, 2);                    // [28x28x256]    MAX POOL3
      x = relu(conv2d(x, 512, 3, 1, 1));       // [28x28x512]    CONV8
      x = relu(conv2d(x, 512, 3, 1, 1));       // [28x28x512]    CONV9
      x = relu(conv2d(x, 512, 3, 1, 1));       // [28x28x512]    CONV10
      x = maxPool(x, 2, 2);                    // [14x14x512]    MAX POOL4
      x = relu(conv2d(x, 512, 3, 1, 1));       // [14x14x512]    CONV11
      x = relu(conv2d(x, 512, 3, 1, 1));       // [14x14x512]    CONV12
      x = relu(conv2d(x, 512, 3, 1, 1));       // [14x14x512]    CONV13
      x = maxPool(x, 2, 2);                    // [7x7x512]      MAX POOL5
      x = dropout(relu(dense(x, 4096)), 0.5);  // [4096]         FC14
      x = dropout(relu(dense(x, 4096)), 0.5);  // [4096]         FC15
      x = dense(x, classes);                   // [1000]         FC16
      return Model.of("VGG-16", x);
    } catch (ShapeException e) {
      throw new ShapeException("VGG-16 cannot take [" + input + "] inputs: " + e.getMessage()
          + " VGG-16's pools halve sides that are multiples of 32: 32, 64, ..., 224, ...");
    }
  }
}
