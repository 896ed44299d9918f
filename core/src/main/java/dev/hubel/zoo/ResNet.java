package dev.hubel.zoo;

import static dev.hubel.model.Layers.add;
import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.globalAvgPool;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Shape;

/**
 * ResNet [He et al., 2015] for ImageNet, table 1 of the paper, exactly as torchvision builds it:
 * convolutions without bias, each followed by batch norm; 1x1 projection shortcuts (with batch
 * norm) where a block changes size or depth, identity elsewhere; in bottleneck blocks the stride
 * sits on the 3x3 convolution ("ResNet v1.5"). Parameter counts equal torchvision's.
 *
 * <pre>
 *   layer     output (224x224 input)   18-layer         34-layer         50 / 101 / 152-layer
 *   conv1     112x112                  7x7, 64, stride 2
 *   conv2_x   56x56                    3x3 max pool, stride 2, then
 *                                      [3x3 64, 3x3 64]    x2 / x3       [1x1 64, 3x3 64, 1x1 256]     x3 / x3 / x3
 *   conv3_x   28x28                    [3x3 128, 3x3 128]  x2 / x4       [1x1 128, 3x3 128, 1x1 512]   x4 / x4 / x8
 *   conv4_x   14x14                    [3x3 256, 3x3 256]  x2 / x6       [1x1 256, 3x3 256, 1x1 1024]  x6 / x23 / x36
 *   conv5_x   7x7                      [3x3 512, 3x3 512]  x2 / x3       [1x1 512, 3x3 512, 1x1 2048]  x3 / x3 / x3
 *             1x1                      average pool, 1000-d fc
 * </pre>
 *
 * The global average pool lets any input size through; every size, down to 1x1, fits the padded
 * windows. Batch norm in training needs more than one value per channel, so a batch of one
 * example small enough to reach 1x1 at conv5_x cannot be trained on.
 */
public final class ResNet {
  private ResNet() {}

  private static final Shape IMAGENET = Shape.chw(3, 224, 224);
  private static final int[] WIDTHS = {64, 128, 256, 512};  // conv2_x .. conv5_x

  public static Model resnet18() { return resnet18(1000, IMAGENET); }
  public static Model resnet34() { return resnet34(1000, IMAGENET); }
  public static Model resnet50() { return resnet50(1000, IMAGENET); }
  public static Model resnet101() { return resnet101(1000, IMAGENET); }
  public static Model resnet152() { return resnet152(1000, IMAGENET); }

  public static Model resnet18(int classes, Shape input) {
    return build("ResNet-18", false, new int[] {2, 2, 2, 2}, classes, input);
  }

  public static Model resnet34(int classes, Shape input) {
    return build("ResNet-34", false, new int[] {3, 4, 6, 3}, classes, input);
  }

  public static Model resnet50(int classes, Shape input) {
    return build("ResNet-50", true, new int[] {3, 4, 6, 3}, classes, input);
  }

  public static Model resnet101(int classes, Shape input) {
    return build("ResNet-101", true, new int[] {3, 4, 23, 3}, classes, input);
  }

  public static Model resnet152(int classes, Shape input) {
    return build("ResNet-152", true, new int[] {3, 8, 36, 3}, classes, input);
  }

  /** @param blocks blocks in conv2_x .. conv5_x */
  private static Model build(String name, boolean bottleneck, int[] blocks, int classes, Shape input) {
    Node x = input(input);                     // [224x224x3]
    x = relu(batchNorm(conv(x, 64, 7, 2)));    // [112x112x64]  conv1: 7x7, 64, stride 2
    x = maxPool(x, 3, 2, 1, Fit.FLOOR);        // [56x56x64]    3x3 max pool, stride 2
    for (int stage = 0; stage < 4; stage++) {  // conv2_x [56x56] .. conv5_x [7x7]
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;  // the first block of conv3_x .. conv5_x halves the size
        x = bottleneck ? bottleneckBlock(x, WIDTHS[stage], stride) : basicBlock(x, WIDTHS[stage], stride);
      }
    }
    x = globalAvgPool(x);                      // [1x1x512] or [1x1x2048]  average pool
    x = dense(x, classes);                     // [1000]
    return Model.of(name, x);
  }

  /** [3x3, w; 3x3, w] and the shortcut: ResNet-18 and -34. */
  private static Node basicBlock(Node x, int width, int stride) {
    Node y = relu(batchNorm(conv(x, width, 3, stride)));
    y = batchNorm(conv(y, width, 3, 1));
    return relu(add(y, shortcut(x, width, stride)));
  }

  /** [1x1, w; 3x3, w; 1x1, 4w] and the shortcut: ResNet-50, -101 and -152. */
  private static Node bottleneckBlock(Node x, int width, int stride) {
    Node y = relu(batchNorm(conv(x, width, 1, 1)));
    y = relu(batchNorm(conv(y, width, 3, stride)));
    y = batchNorm(conv(y, 4 * width, 1, 1));
    return relu(add(y, shortcut(x, 4 * width, stride)));
  }

  /** Identity where the block keeps size and depth; else a 1x1 projection at the block's stride (option B). */
  private static Node shortcut(Node x, int depth, int stride) {
    if (stride == 1 && x.shape().c() == depth) return x;
    return batchNorm(conv(x, depth, 1, stride));
  }

  /** size x size filters, padded to keep the size at stride 1, no bias (the batch norm after it shifts). */
  private static Node conv(Node x, int filters, int size, int stride) {
    // FLOOR: at stride 2 the last row and column of an even-sized input are left over, as in torchvision
    return conv2d(x, filters, size, size, stride, size / 2, Fit.FLOOR, false);
  }
}
