package dev.hubel.op;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;

/**
 * A model's output when it chooses one point of a map rather than one of a list of classes: the
 * AlphaGo policy network's last 1x1 convolution scores every point of the 19x19 board, and the
 * move probabilities are one softmax over all 361 of them.
 *
 * <pre>
 *   x  (N, 1, H, W)      y  (N, H*W)      y[n, i*W + j] = x[n, 0, i, j]
 * </pre>
 *
 * As with any Hubel model, the output holds scores and the softmax is the one {@code
 * Plan.lossAndGradient} (softmax cross-entropy) and {@code Model.predict} apply to the output
 * vector; what this layer adds is that vector: the map read row by row, so class k is the point
 * (k / W, k % W). It belongs at the end of a model: a layer after it would see scores, not
 * probabilities.
 */
public final class SpatialSoftmax implements Op {
  private final Shape in;

  public SpatialSoftmax(String layer, Shape in) {
    if (!in.isVolume() || in.c() != 1) {
      throw new ShapeException(layer + ": a softmax over a map needs one map, HxWx1, received [" + in
          + "]. Score the points with a 1x1 convolution of 1 filter first.");
    }
    this.in = in;
  }

  @Override
  public String kind() {
    return "SOFTMAX";
  }

  @Override
  public Shape outputShape() {
    return Shape.vector(in.size());
  }

  @Override
  public String describe() {
    return "over all " + in.size() + " points of the " + in.h() + "x" + in.w() + " map (one probability per point)";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    int size = in.size();
    return new Step() {
      @Override
      public void forward(int n, boolean training) {
        System.arraycopy(x.value, 0, output.value, 0, n * size);
      }

      @Override
      public void backward(int n) {
        if (x.grad != null) Elementwise.addInto(output.grad, 0, x.grad, 0, n * size);
      }
    };
  }
}
