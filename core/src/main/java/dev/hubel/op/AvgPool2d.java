package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Pooling;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;

/**
 * Average pooling: each output is the mean of its window of one depth slice; padding counts as
 * zeros in the mean (PyTorch's default). The backward pass spreads each gradient evenly.
 */
public final class AvgPool2d extends Pool2d {

  public AvgPool2d(String layer, Shape in, int fh, int fw, int stride, int pad, Fit fit) {
    super(layer, in, fh, fw, stride, pad, fit);
  }

  @Override
  public String kind() {
    return "AVG POOL";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    int pieces = pool.threads();
    int planeIn = in.h() * in.w(), planeOut = out.h() * out.w();
    return new Step() {
      private int planes;
      private final WorkerPool.Task fwd = p -> {
        int p0 = splitStart(p, pieces, planes), p1 = splitStart(p + 1, pieces, planes);
        Pooling.avgForward(x.value, p0 * planeIn, p1 - p0, in.h(), in.w(), fh, fw, stride, pad,
            out.h(), out.w(), output.value, p0 * planeOut);
      };
      private final WorkerPool.Task bwd = p -> {
        int p0 = splitStart(p, pieces, planes), p1 = splitStart(p + 1, pieces, planes);
        Pooling.avgBackward(output.grad, p0 * planeOut, p1 - p0, in.h(), in.w(), fh, fw, stride, pad,
            out.h(), out.w(), x.grad, p0 * planeIn);
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
