package dev.hubel.zoo;

import static dev.hubel.model.Layers.concat;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.globalAvgPool;
import static dev.hubel.model.Layers.lrn;
import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;

/**
 * GoogLeNet (Inception v1) [Szegedy et al., 2014] as table 1 of the paper and its reference
 * model (BVLC's Caffe GoogLeNet, 6,998,552 parameters without the auxiliary classifiers): convolutions
 * with biases and ReLU, no batch norm, real 5x5 filters, max pools that round up (Caffe's rule),
 * and no auxiliary classifiers (they only help training).
 *
 * <p>With the paper's local response normalisation after the first max pool and after the second
 * convolution, and its 40% dropout before the classifier.
 */
public final class GoogLeNet {
  private GoogLeNet() {}

  public static Model build() {
    return build(1000, Shape.chw(3, 224, 224));
  }

  public static Model build(int classes, Shape input) {
    try {
      return layers(classes, input);
    } catch (ShapeException e) {
      throw new ShapeException("GoogLeNet cannot take a [" + input + "] input: " + e.getMessage());
    }
  }

  private static Model layers(int classes, Shape input) {
    Node x = input(input);                                //                          [224x224x3]
    x = relu(conv2d(x, 64, 7, 7, 2, 3, Fit.FLOOR));      // convolution 7x7/2        [112x112x64]
    x = maxPool(x, 3, 2, 0, Fit.CEIL);                    // max pool 3x3/2           [56x56x64]
    x = lrn(x, 5, 1e-4, 0.75, 1);                         // local response norm, as BVLC's norm1
    x = relu(conv2d(x, 64, 1, 1, 0));                     // convolution 3x3/1        [56x56x64]   its 1x1 reduce
    x = relu(conv2d(x, 192, 3, 1, 1));                    //                          [56x56x192]
    x = lrn(x, 5, 1e-4, 0.75, 1);                         // local response norm, as BVLC's norm2
    x = maxPool(x, 3, 2, 0, Fit.CEIL);                    // max pool 3x3/2           [28x28x192]
    //                   #1x1 #3x3 reduce #3x3 #5x5 reduce #5x5 pool proj
    x = inception(x,     64,   96,        128,  16,        32,  32);   // inception (3a)  [28x28x256]
    x = inception(x,    128,  128,        192,  32,        96,  64);   // inception (3b)  [28x28x480]
    x = maxPool(x, 3, 2, 0, Fit.CEIL);                                 // max pool 3x3/2  [14x14x480]
    x = inception(x,    192,   96,        208,  16,        48,  64);   // inception (4a)  [14x14x512]
    x = inception(x,    160,  112,        224,  24,        64,  64);   // inception (4b)  [14x14x512]
    x = inception(x,    128,  128,        256,  24,        64,  64);   // inception (4c)  [14x14x512]
    x = inception(x,    112,  144,        288,  32,        64,  64);   // inception (4d)  [14x14x528]
    x = inception(x,    256,  160,        320,  32,       128, 128);   // inception (4e)  [14x14x832]
    x = maxPool(x, 3, 2, 0, Fit.CEIL);                                 // max pool 3x3/2  [7x7x832]
    x = inception(x,    256,  160,        320,  32,       128, 128);   // inception (5a)  [7x7x832]
    x = inception(x,    384,  192,        384,  48,       128, 128);   // inception (5b)  [7x7x1024]
    x = globalAvgPool(x);                                 // avg pool 7x7/1           [1x1x1024]
    x = dropout(x, 0.4);                                  // dropout (40%)
    x = dense(x, classes);                                // linear                   [1000]
    return Model.of("GoogLeNet", x);
  }

  /** Four branches stacked in depth: 1x1; 1x1 then 3x3; 1x1 then 5x5; 3x3 max pool then 1x1. */
  private static Node inception(Node x, int n1x1, int n3x3reduce, int n3x3, int n5x5reduce, int n5x5, int poolProj) {
    Node a = relu(conv2d(x, n1x1, 1, 1, 0));
    Node b = relu(conv2d(relu(conv2d(x, n3x3reduce, 1, 1, 0)), n3x3, 3, 1, 1));
    Node c = relu(conv2d(relu(conv2d(x, n5x5reduce, 1, 1, 0)), n5x5, 5, 1, 2));
    Node d = relu(conv2d(maxPool(x, 3, 1, 1, Fit.EXACT), poolProj, 1, 1, 0));
    return concat(a, b, c, d);
  }
}
