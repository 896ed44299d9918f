package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Pooling;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;

/**
 * Max pooling: each output is the largest value in its window of one depth slice. Windows may
 * overlap (AlexNet's 3x3 at stride 2). The backward pass sends each gradient to the winner.
 */
public final class MaxPool2d extends Pool2d {

  public MaxPool2d(String layer, Shape in, int fh, int fw, int stride, int pad, Fit fit) {
    super(layer, in, fh, fw, stride, pad, fit);
  }

  @Override
  public String kind() {
    return "MAX POOL";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    int[] argmax = new int[output.value.length];
    int pieces = pool.threads();
    int planeIn = in.h() * in.w(), planeOut = out.h() * out.w();
    return new Step() {
      private int planes;
      private boolean withArgmax;
      private int argmaxPlanes;  // how many planes the argmax is of: 0 after an inference pass, which keeps none
      private final WorkerPool.Task fwd = p -> {
        int p0 = splitStart(p, pieces, planes), p1 = splitStart(p + 1, pieces, planes);
        Pooling.maxForward(x.value, p0 * planeIn, p1 - p0, in.h(), in.w(), fh, fw, stride, pad,
            out.h(), out.w(), output.value, p0 * planeOut, withArgmax ? argmax : null);
      };
      private final WorkerPool.Task bwd = p -> {
        int p0 = splitStart(p, pieces, planes), p1 = splitStart(p + 1, pieces, planes);
        Pooling.maxBackward(output.grad, p0 * planeOut, p1 * planeOut, argmax, x.grad);
      };

      @Override
      public void forward(int n, boolean training) {
        // Inference needs no winners: without them a 3x3 pool ran four times as fast here.
        planes = n * in.c();
        withArgmax = training;
        pool.run(pieces, fwd);
        argmaxPlanes = training ? planes : 0;
      }

      @Override
      public void backward(int n) {
        if (x.grad == null) return;
        planes = n * in.c();
        if (argmaxPlanes != planes) {  // a backward pass after an inference pass: find the winners now
          withArgmax = true;
          pool.run(pieces, fwd);
          argmaxPlanes = planes;
        }
        pool.run(pieces, bwd);
      }
    };
  }
}
