package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Pooling;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;

/**
 * The mean of each depth slice: HxWxC to 1x1xC, whatever H and W are [Lin et al., 2013], which
 * lets GoogLeNet and ResNet end in one small FC layer and take inputs of any size. The output stays
 * a 1x1xC volume, as the papers' tables print it; an FC layer reads it as C features.
 */
public final class GlobalAvgPool implements Op {
  private final Shape in;
  private final Shape out;

  public GlobalAvgPool(String layer, Shape in) {
    if (!in.isVolume()) {
      throw new ShapeException(layer + ": global average pooling needs a HxWxC volume as input, received [" + in
          + "]. Put it before any FLATTEN or FC layer.");
    }
    this.in = in;
    this.out = Shape.chw(in.c(), 1, 1);
  }

  @Override
  public String kind() {
    return "GLOBAL AVG POOL";
  }

  @Override
  public Shape outputShape() {
    return out;
  }

  @Override
  public String describe() {
    return "mean of each " + in.h() + "x" + in.w() + " slice";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    int pieces = pool.threads();
    int h = in.h(), w = in.w();
    // one window the size of the slice: the pooling kernels' mean, with nothing to pad
    return new Step() {
      private int planes;
      private final WorkerPool.Task fwd = p -> {
        int p0 = splitStart(p, pieces, planes), p1 = splitStart(p + 1, pieces, planes);
        Pooling.avgForward(x.value, p0 * h * w, p1 - p0, h, w, h, w, 1, 0, 1, 1, output.value, p0);
      };
      private final WorkerPool.Task bwd = p -> {
        int p0 = splitStart(p, pieces, planes), p1 = splitStart(p + 1, pieces, planes);
        Pooling.avgBackward(output.grad, p0, p1 - p0, h, w, h, w, 1, 0, 1, 1, x.grad, p0 * h * w);
      };

      @Override
      public void forward(int n, boolean training) {
        planes = n * in.c();
        pool.run(pieces, fwd);
      }

      @Override
      public void backward(int n) {
        if (x.grad == null) return;
        planes = n * in.c();
        pool.run(pieces, bwd);
      }
    };
  }
}
