package dev.hubel.op;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;

/** Reads a HxWxC volume as one vector of H*W*C features, in NCHW order (as PyTorch's flatten). */
public final class Flatten implements Op {
  private final Shape in;

  public Flatten(String layer, Shape in) {
    this.in = in;
  }

  @Override
  public String kind() {
    return "FLATTEN";
  }

  @Override
  public Shape outputShape() {
    return Shape.vector(in.size());
  }

  @Override
  public String describe() {
    return in + " to " + in.size();
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    return new Step() {
      @Override
      public void forward(int n, boolean training) {
        System.arraycopy(x.value, 0, output.value, 0, n * in.size());
      }

      @Override
      public void backward(int n) {
        if (x.grad != null) Elementwise.addInto(output.grad, 0, x.grad, 0, n * in.size());
      }
    };
  }
}
