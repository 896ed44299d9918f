package dev.hubel.zoo;

import static dev.hubel.model.Layers.add;
import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.globalAvgPool;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.padChannels;
import static dev.hubel.model.Layers.relu;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Shape;

/**
 * The ResNets for CIFAR-10 of He et al. 2015, section 4.2: 6n + 2 layers on 32x32x3 images.
 *
 * <pre>
 *   output map size   32x32        16x16        8x8
 *   layers            1 + 2n       2n           2n         (a 3x3 conv, then n basic blocks per stage)
 *   filters           16           32           64
 *   then global average pooling, a 10-way fc
 * </pre>
 *
 * Shortcuts are identities throughout, "option A": where a stage halves the size and doubles the
 * depth, the shortcut takes every second pixel (a 1x1 max pool at stride 2) and adds zero channels,
 * so shortcuts have no parameters. Convolutions have no bias, as batch norm follows each.
 * Published sizes: ResNet-20 0.27M, -32 0.46M, -44 0.66M, -56 0.85M, -110 1.7M parameters.
 */
public final class CifarResNet {
  private CifarResNet() {}

  private static final Shape CIFAR = Shape.chw(3, 32, 32);

  public static Model resnet20() { return resnet20(10, CIFAR); }
  public static Model resnet32() { return resnet32(10, CIFAR); }
  public static Model resnet44() { return resnet44(10, CIFAR); }
  public static Model resnet56() { return resnet56(10, CIFAR); }
  public static Model resnet110() { return resnet110(10, CIFAR); }

  public static Model resnet20(int classes, Shape input) { return build(3, classes, input); }
  public static Model resnet32(int classes, Shape input) { return build(5, classes, input); }
  public static Model resnet44(int classes, Shape input) { return build(7, classes, input); }
  public static Model resnet56(int classes, Shape input) { return build(9, classes, input); }
  public static Model resnet110(int classes, Shape input) { return build(18, classes, input); }

  /** ResNet-(6n+2): n basic blocks in each of the three stages. */
  public static Model build(int n, int classes, Shape input) {
    if (n < 1) throw new IllegalArgumentException("a CIFAR ResNet needs at least 1 block per stage, received " + n);
    Node x = input(input);                              // [32x32x3]
    x = relu(batchNorm(conv(x, 16, 1)));                // [32x32x16]  3x3 conv, 16
    int[] filters = {16, 32, 64};                       // stages of [32x32], [16x16], [8x8]
    for (int stage = 0; stage < 3; stage++) {
      for (int b = 0; b < n; b++) {
        x = block(x, filters[stage], stage > 0 && b == 0 ? 2 : 1);
      }
    }
    x = globalAvgPool(x);                               // [1x1x64]
    x = dense(x, classes);                              // [10]
    return Model.of("ResNet-" + (6 * n + 2), x);
  }

  /** [3x3, f; 3x3, f] and the shortcut; the first convolution carries the stride. */
  private static Node block(Node x, int filters, int stride) {
    Node y = relu(batchNorm(conv(x, filters, stride)));
    y = batchNorm(conv(y, filters, 1));
    return relu(add(y, shortcut(x, filters, stride)));
  }

  /** Option A: the identity, subsampled at the stride, with zero channels half before and half after. */
  private static Node shortcut(Node x, int filters, int stride) {
    if (stride == 1 && x.shape().c() == filters) return x;
    Node s = stride == 1 ? x : maxPool(x, 1, stride, 0, Fit.FLOOR);  // every second pixel, as x[:, :, ::2, ::2]
    int extra = filters - x.shape().c();
    return extra == 0 ? s : padChannels(s, extra / 2, extra - extra / 2);
  }

  /** 3x3 filters, pad 1, no bias. FLOOR: at stride 2 an even size leaves its last row over, as the shortcut does. */
  private static Node conv(Node x, int filters, int stride) {
    return conv2d(x, filters, 3, 3, stride, 1, Fit.FLOOR, false);
  }
}
