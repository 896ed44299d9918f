package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;

/** y = max(0, x), elementwise; the shape is unchanged. */
public final class Relu implements Op {
  private final Shape in;

  public Relu(String layer, Shape in) {
    this.in = in;
  }

  @Override
  public String kind() {
    return "RELU";
  }

  @Override
  public Shape outputShape() {
    return in;
  }

  @Override
  public String describe() {
    return "max(0, x)";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    int size = in.size();
    int pieces = pool.balancedPieces(size);  // element ranges, claimed as threads come free
    return new Step() {
      private int count;
      private boolean writes;  // writesGradientOf: dx = masked dy, not dx += it
      private final WorkerPool.Task fwd = p ->
          Elementwise.reluForward(x.value, output.value, splitStart(p, pieces, count), splitStart(p + 1, pieces, count));
      private final WorkerPool.Task bwd = p -> {
        int from = splitStart(p, pieces, count), to = splitStart(p + 1, pieces, count);
        if (writes) {
          Elementwise.reluBackwardInto(output.value, output.grad, x.grad, from, to);
        } else {
          Elementwise.reluBackward(output.value, output.grad, x.grad, from, to);
        }
      };

      @Override
      public boolean writesGradientOf(int input) {
        writes = true;
        return true;
      }

      @Override
      public void forward(int n, boolean training) {
        count = n * size;
        pool.run(pieces, fwd);
      }

      @Override
      public void backward(int n) {
        if (x.grad == null) return;
        count = n * size;
        pool.run(pieces, bwd);
      }
    };
  }
}
