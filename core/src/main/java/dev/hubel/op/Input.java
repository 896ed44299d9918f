package dev.hubel.op;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;

/** Where examples enter the model; the caller fills its tensor before each forward pass. */
public final class Input implements Op {
  private final Shape shape;

  public Input(Shape shape) {
    this.shape = shape;
  }

  @Override
  public String kind() {
    return "INPUT";
  }

  @Override
  public Shape outputShape() {
    return shape;
  }

  @Override
  public String describe() {
    return "";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    return new Step() {
      @Override
      public void forward(int n, boolean training) {}

      @Override
      public void backward(int n) {}
    };
  }
}
