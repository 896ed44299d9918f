package dev.hubel.op;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.ParallelGemm;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.util.List;

/**
 * A fully connected layer: every output neuron sees the entire input volume, flattened.
 *
 * <pre>
 *   x  (N, D)  D = the input volume's size     w  (U, D)     b  (U)     y  (N, U) = x . w^T + b
 * </pre>
 */
public final class Dense implements Op {
  private final Shape in;
  private final int units;

  public Dense(String layer, Shape in, int units) {
    if (units < 1) throw new ShapeException(layer + ": a fully connected layer needs at least 1 neuron, received " + units);
    this.in = in;
    this.units = units;
  }

  @Override
  public String kind() {
    return "FC";
  }

  @Override
  public Shape outputShape() {
    return Shape.vector(units);
  }

  @Override
  public String describe() {
    return units + " neurons";
  }

  @Override
  public List<ParamSpec> params() {
    int d = in.size();
    return List.of(
        new ParamSpec(Role.WEIGHT, new Shape(units, d), d, units),
        new ParamSpec(Role.BIAS, Shape.vector(units), d, units));
  }

  @Override
  public String paramFormula() {
    return in.size() + "*" + units + " + " + units;
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    return new Compiled(inputs[0], output, params[0], params[1], pool);
  }

  /**
   * Each product runs on the whole batch at once, split over the pool by {@link ParallelGemm}
   * (by output units when there are enough, so batch 1 uses every core too), which keeps the
   * result the same on any number of threads.
   */
  private final class Compiled implements Step {
    private final Tensor x, y;
    private final Param w, b;
    private final ParallelGemm gemm;
    private final int d = in.size();

    Compiled(Tensor x, Tensor y, Param w, Param b, WorkerPool pool) {
      this.x = x;
      this.y = y;
      this.w = w;
      this.b = b;
      this.gemm = new ParallelGemm(pool);
    }

    /** y = x . w^T + b */
    @Override
    public void forward(int n, boolean training) {
      gemm.sgemm(false, true, n, units, d, x.value, 0, d, w.value(), 0, d, y.value, 0, units, false);
      Elementwise.addBiasPerColumn(y.value, n, b.value());
    }

    /** dx += dy . w ;  dw += dy^T . x ;  db += column sums of dy */
    @Override
    public void backward(int n) {
      if (x.grad != null) {
        gemm.sgemm(false, false, n, d, units, y.grad, 0, units, w.value(), 0, d, x.grad, 0, d, true);
      }
      gemm.sgemm(true, false, units, d, n, y.grad, 0, units, x.value, 0, d, w.grad(), 0, d, true);
      Elementwise.sumColumnsInto(y.grad, n, units, b.grad());
    }
  }
}
