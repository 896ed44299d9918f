package dev.hubel.op;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.util.List;

/**
 * Joins its inputs along the channels (dimension 0 of an example, as {@code torch.cat(xs, 1)}
 * with the batch first): vectors end to end, sequences and volumes stacked in depth. Everything
 * but the channels must agree. Per example, the output is each input's block in turn.
 */
public final class Concat implements Op {
  private final Shape out;
  private final int[] sizes;  // floats per example of each input
  private final List<String> names;

  public Concat(String layer, List<String> names, List<Shape> in) {
    if (in.size() < 2) throw new ShapeException(layer + ": concatenation needs at least 2 inputs, received " + in.size());
    Shape first = in.get(0);
    int[] dims = first.dims();
    sizes = new int[in.size()];
    for (int k = 0; k < in.size(); k++) {
      Shape s = in.get(k);
      int[] d = s.dims();
      boolean same = d.length == dims.length;
      for (int j = 1; same && j < d.length; j++) same = d[j] == dims[j];
      if (!same) {
        throw new ShapeException(layer + ": inputs must agree in everything but their channels; " + names.get(0) + " gives ["
            + first + "], " + names.get(k) + " gives [" + s + "]");
      }
      if (k > 0) dims[0] += d[0];
      sizes[k] = s.size();
    }
    this.out = new Shape(dims);
    this.names = List.copyOf(names);
  }

  @Override
  public String kind() {
    return "CONCAT";
  }

  @Override
  public Shape outputShape() {
    return out;
  }

  @Override
  public String describe() {
    return String.join(" + ", names) + ", along the channels";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    int total = out.size();
    return new Step() {
      @Override
      public void forward(int n, boolean training) {
        for (int r = 0; r < n; r++) {
          int at = r * total;
          for (int k = 0; k < inputs.length; k++) {
            System.arraycopy(inputs[k].value, r * sizes[k], output.value, at, sizes[k]);
            at += sizes[k];
          }
        }
      }

      @Override
      public void backward(int n) {
        for (int r = 0; r < n; r++) {
          int at = r * total;
          for (int k = 0; k < inputs.length; k++) {
            if (inputs[k].grad != null) Elementwise.addInto(output.grad, at, inputs[k].grad, r * sizes[k], sizes[k]);
            at += sizes[k];
          }
        }
      }
    };
  }
}
