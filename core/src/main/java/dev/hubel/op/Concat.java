package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Stacks volumes of the same height and width along the depth, in the order given: the filter
 * concatenation that ends an inception module [Szegedy et al., 2014].
 *
 * <pre>
 *   x_k  (N, C_k, H, W)     y  (N, C_1 + ... + C_K, H, W)     y[:, off_k : off_k + C_k] = x_k
 * </pre>
 */
public final class Concat implements Op {
  private final List<String> names;
  private final Shape[] ins;
  private final Shape out;

  public Concat(String layer, List<String> names, List<Shape> shapes) {
    if (shapes.size() < 2) {
      throw new ShapeException(layer + ": a depth concatenation stacks two or more volumes, received "
          + shapes.size() + " input");
    }
    StringBuilder all = new StringBuilder();
    for (int k = 0; k < shapes.size(); k++) all.append(k == 0 ? "" : ", ").append(names.get(k)).append(" [").append(shapes.get(k)).append(']');
    int depth = 0;
    Shape first = shapes.get(0);
    for (int k = 0; k < shapes.size(); k++) {
      Shape s = shapes.get(k);
      if (!s.isVolume()) {
        throw new ShapeException(layer + ": a depth concatenation stacks HxWxC volumes; " + names.get(k) + " is ["
            + s + "] (inputs: " + all + ")");
      }
      if (!first.isVolume() || s.h() != first.h() || s.w() != first.w()) {
        throw new ShapeException(layer + ": volumes stacked in depth must have the same height and width; "
            + names.get(k) + " [" + s + "] differs from " + names.get(0) + " [" + first + "] (inputs: " + all
            + "). Give every branch the same stride and padding (a 3x3 filter needs pad 1, a 5x5 pad 2).");
      }
      depth += s.c();
    }
    this.names = List.copyOf(names);
    this.ins = shapes.toArray(Shape[]::new);
    this.out = Shape.chw(depth, first.h(), first.w());
  }

  @Override
  public String kind() {
    return "DEPTH CONCAT";
  }

  @Override
  public Shape outputShape() {
    return out;
  }

  /** "CONV3, CONV5, CONV7, CONV8: 64 + 128 + 32 + 32 channels". */
  @Override
  public String describe() {
    List<String> depths = new ArrayList<>();
    for (Shape s : ins) depths.add(String.valueOf(s.c()));
    return String.join(", ", names) + ": " + String.join(" + ", depths) + " channels";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    int outStride = out.size();
    int[] offset = new int[ins.length];  // where input k starts within one output example
    for (int k = 1; k < ins.length; k++) offset[k] = offset[k - 1] + ins[k - 1].size();
    int pieces = Math.min(pool.threads(), output.batch);
    return new Step() {
      private int n;
      private final WorkerPool.Task fwd = p -> {
        for (int i = splitStart(p, pieces, n); i < splitStart(p + 1, pieces, n); i++) {
          for (int k = 0; k < ins.length; k++) {
            int len = ins[k].size();
            System.arraycopy(inputs[k].value, i * len, output.value, i * outStride + offset[k], len);
          }
        }
      };
      // y[:, off_k : off_k + C_k] = x_k  =>  dx_k += dy[:, off_k : off_k + C_k]
      private final WorkerPool.Task bwd = p -> {
        for (int i = splitStart(p, pieces, n); i < splitStart(p + 1, pieces, n); i++) {
          for (int k = 0; k < ins.length; k++) {
            int len = ins[k].size();
            if (inputs[k].grad != null) Elementwise.addInto(output.grad, i * outStride + offset[k], inputs[k].grad, i * len, len);
          }
        }
      };

      @Override
      public void forward(int n, boolean training) {
        this.n = n;
        pool.run(pieces, fwd);
      }

      @Override
      public void backward(int n) {
        this.n = n;
        pool.run(pieces, bwd);
      }
    };
  }
}
