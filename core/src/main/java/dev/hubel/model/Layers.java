package dev.hubel.model;

import dev.hubel.op.Add;
import dev.hubel.op.AvgPool2d;
import dev.hubel.op.BatchNorm;
import dev.hubel.op.Concat;
import dev.hubel.op.Conv1d;
import dev.hubel.op.Conv2d;
import dev.hubel.op.Dense;
import dev.hubel.op.Dropout;
import dev.hubel.op.Embedding;
import dev.hubel.op.Fit;
import dev.hubel.op.Flatten;
import dev.hubel.op.GlobalAvgPool;
import dev.hubel.op.Lrn;
import dev.hubel.op.MaxOverTime;
import dev.hubel.op.MaxPool2d;
import dev.hubel.op.PadChannels;
import dev.hubel.op.Relu;
import dev.hubel.op.SpatialSoftmax;
import dev.hubel.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The functional builder: each factory takes its input node and the layer's settings, in the
 * lecture's order (filters, size, stride, pad), checks the shapes at once, and returns the new
 * node. {@code import static dev.hubel.model.Layers.*} and a model reads like its paper's table:
 *
 * <pre>
 *   Node x = input(3, 227, 227);                 // [227x227x3]
 *   x = relu(conv2d(x, 96, 11, 4, 0));           // [55x55x96]  CONV1
 *   x = maxPool(x, 3, 2);                        // [27x27x96]  MAX POOL1
 * </pre>
 */
public final class Layers {
  private Layers() {}

  /** The model's input: one example is C x H x W (NCHW, as PyTorch). */
  public static Node input(int c, int h, int w) {
    return Graph.input(Shape.chw(c, h, w));
  }

  /** An input of any shape, e.g. a vector of features. */
  public static Node input(Shape shape) {
    return Graph.input(shape);
  }

  /** {@code filters} FxF filters over the full input depth, at {@code stride}, zero padding {@code pad}. */
  public static Node conv2d(Node x, int filters, int size, int stride, int pad) {
    return conv2d(x, filters, size, size, stride, pad, Fit.EXACT);
  }

  /** Fh x Fw filters; {@code fit} says what to do when the windows do not tile the input exactly. */
  public static Node conv2d(Node x, int filters, int fh, int fw, int stride, int pad, Fit fit) {
    return conv2d(x, filters, fh, fw, stride, pad, fit, 1, true);
  }

  /**
   * As above; {@code bias = false} leaves the filters without biases, as before a batch norm, whose
   * shift would cancel them (ResNet's convolutions).
   */
  public static Node conv2d(Node x, int filters, int fh, int fw, int stride, int pad, Fit fit, boolean bias) {
    return conv2d(x, filters, fh, fw, stride, pad, fit, 1, bias);
  }

  public static Node relu(Node x) {
    return Graph.add("RELU", List.of(x), Architecture.spec("relu"), name -> new Relu(name, x.shape()));
  }

  /** Max pooling with a size x size window at {@code stride}, no padding. */
  public static Node maxPool(Node x, int size, int stride) {
    return maxPool(x, size, stride, 0, Fit.EXACT);
  }

  public static Node maxPool(Node x, int size, int stride, int pad, Fit fit) {
    return Graph.add("MAX POOL", List.of(x),
        Architecture.spec("maxPool", "size", size, "stride", stride, "pad", pad, "fit", fit), name -> new MaxPool2d(name, x.shape(), size, size, stride, pad, fit));
  }

  public static Node avgPool(Node x, int size, int stride) {
    return avgPool(x, size, stride, 0, Fit.EXACT);
  }

  public static Node avgPool(Node x, int size, int stride, int pad, Fit fit) {
    return Graph.add("AVG POOL", List.of(x),
        Architecture.spec("avgPool", "size", size, "stride", stride, "pad", pad, "fit", fit), name -> new AvgPool2d(name, x.shape(), size, size, stride, pad, fit));
  }

  /** A fully connected layer of {@code units} neurons over the whole input volume. */
  public static Node dense(Node x, int units) {
    return Graph.add("FC", List.of(x), Architecture.spec("dense", "units", units), name -> new Dense(name, x.shape(), units));
  }

  public static Node flatten(Node x) {
    return Graph.add("FLATTEN", List.of(x), Architecture.spec("flatten"), name -> new Flatten(name, x.shape()));
  }

  // ---- AlexNet's and VGG's layers: grouped convolution, local response normalisation, dropout ----

  /**
   * A grouped convolution: the filters and the input channels are split into {@code groups} equal
   * parts and each part of the filters sees only its part of the channels (PyTorch's
   * {@code groups}; AlexNet's two GPU towers are {@code groups = 2}). Both counts must divide by it.
   */
  public static Node conv2d(Node x, int filters, int size, int stride, int pad, int groups) {
    return conv2d(x, filters, size, size, stride, pad, Fit.EXACT, groups);
  }

  /** The general convolution: Fh x Fw filters, a {@code fit} for windows that do not tile, and groups. */
  public static Node conv2d(Node x, int filters, int fh, int fw, int stride, int pad, Fit fit, int groups) {
    return conv2d(x, filters, fh, fw, stride, pad, fit, groups, true);
  }

  /** Every setting of a convolution: window, stride, padding, fit, groups, and whether it has biases. */
  public static Node conv2d(Node x, int filters, int fh, int fw, int stride, int pad, Fit fit, int groups, boolean bias) {
    Map<String, Object> spec =
        Architecture.spec("conv2d", "filters", filters, "fh", fh, "fw", fw, "stride", stride, "pad", pad, "fit", fit);
    // absent keys mean 1 group and a bias, so models without them describe (and files read) as before
    if (groups != 1) spec.put("groups", groups);
    if (!bias) spec.put("bias", false);
    return Graph.add("CONV", List.of(x), spec,
        name -> new Conv2d(name, x.shape(), filters, fh, fw, stride, pad, fit, groups, bias));
  }

  /**
   * Local response normalisation across channels, the lecture's NORM layer: each value divided by
   * (k + alpha/size * sum of squares over {@code size} neighbouring channels)^beta, as PyTorch's
   * LocalResponseNorm. AlexNet's: {@code lrn(x, 5, 1e-4, 0.75, 2)}.
   */
  public static Node lrn(Node x, int size, double alpha, double beta, double k) {
    return Graph.add("NORM", List.of(x), Architecture.spec("lrn", "size", size, "alpha", alpha, "beta", beta, "k", k),
        name -> new Lrn(name, x.shape(), size, alpha, beta, k));
  }

  /**
   * Inverted dropout: in training, each unit is dropped with probability {@code p} and the rest are
   * scaled by 1/(1-p); at inference it passes its input through unchanged.
   */
  public static Node dropout(Node x, double p) {
    return Graph.add("DROPOUT", List.of(x), Architecture.spec("dropout", "p", p), name -> new Dropout(name, x.shape(), p));
  }

  // ---- sequences (Kim 2014's sentence CNN) and maps scored point by point (AlphaGo's policy) ----

  /**
   * Token ids to vectors: the input is a vector of L ids (whole numbers 0..vocabulary-1, as
   * floats), the output the sentence as a sequence of L positions with {@code dim} channels
   * ([Lxdim]), ready for {@link #conv1d}. Ids outside the vocabulary are refused when the model runs.
   */
  public static Node embedding(Node tokens, int vocabulary, int dim) {
    return Graph.add("EMBED", List.of(tokens), Architecture.spec("embedding", "vocabulary", vocabulary, "dim", dim),
        name -> new Embedding(name, tokens.shape(), vocabulary, dim));
  }

  /** {@code filters} filters {@code width} positions wide over the full depth of a sequence, at {@code stride}, zero padding {@code pad} at each end. */
  public static Node conv1d(Node x, int filters, int width, int stride, int pad) {
    return Graph.add("CONV", List.of(x),
        Architecture.spec("conv1d", "filters", filters, "width", width, "stride", stride, "pad", pad),
        name -> new Conv1d(name, x.shape(), filters, width, stride, pad));
  }

  /** The largest value of each map of a sequence, wherever it is: [LxC] to [C]. */
  public static Node maxOverTime(Node x) {
    return Graph.add("MAX OVER TIME", List.of(x), Architecture.spec("maxOverTime"), name -> new MaxOverTime(name, x.shape()));
  }

  /**
   * A model's output that picks one point of a single-channel HxWx1 map: the map read row by row
   * as H*W scores, over which the loss and {@link Model#predict} take one softmax. Last layer only.
   */
  public static Node spatialSoftmax(Node x) {
    return Graph.add("SOFTMAX", List.of(x), Architecture.spec("spatialSoftmax"), name -> new SpatialSoftmax(name, x.shape()));
  }

  // ---- graphs with branches (ResNet, GoogLeNet) ----

  /** Batch norm over each channel of a volume, or each feature of a vector; see {@link BatchNorm}. */
  public static Node batchNorm(Node x) {
    return Graph.add("BN", List.of(x), Architecture.spec("batchNorm"), name -> new BatchNorm(name, x.shape()));
  }

  /**
   * a + b, elementwise, for inputs of the same shape: a residual block's output and its shortcut.
   * Inputs are named by their rows in the summary (a ReLU folded into its layer's row goes by that layer's name).
   */
  public static Node add(Node a, Node b) {
    return Graph.add("ADD", List.of(a, b), Architecture.spec("add"),
        name -> new Add(name, Summary.rowName(a), a.shape(), Summary.rowName(b), b.shape()));
  }

  /**
   * Joins nodes along the channels: vectors end to end, sequences and volumes in depth (an
   * inception module's output). Inputs are named by their rows in the summary, as for {@link #add}.
   */
  public static Node concat(Node... xs) {
    List<Node> in = List.of(xs);
    return Graph.add("CONCAT", in, Architecture.spec("concat"),
        name -> new Concat(name, in.stream().map(Summary::rowName).toList(), in.stream().map(Node::shape).toList()));
  }

  /** The mean of each depth slice: HxWxC to 1x1xC, for any H and W. */
  public static Node globalAvgPool(Node x) {
    return Graph.add("GLOBAL AVG POOL", List.of(x), Architecture.spec("globalAvgPool"),
        name -> new GlobalAvgPool(name, x.shape()));
  }

  /** Zero channels added before and after the input's (an identity shortcut that widens, He et al.'s option A). */
  public static Node padChannels(Node x, int before, int after) {
    return Graph.add("PAD", List.of(x), Architecture.spec("padChannels", "before", before, "after", after),
        name -> new PadChannels(name, x.shape(), before, after));
  }
}
