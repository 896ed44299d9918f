package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.Gemm;
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

  private final class Compiled implements Step {
    private final Tensor x, y;
    private final Param w, b;
    private final WorkerPool pool;
    private final int pieces;
    private final int d = in.size();
    private final WorkerPool.Task forwardTask = this::forwardPiece;
    private final WorkerPool.Task backwardTask = this::backwardPiece;
    private int n;

    Compiled(Tensor x, Tensor y, Param w, Param b, WorkerPool pool) {
      this.x = x;
      this.y = y;
      this.w = w;
      this.b = b;
      this.pool = pool;
      this.pieces = pool.threads();
    }

    @Override
    public void forward(int n, boolean training) {
      this.n = n;
      pool.run(pieces, forwardTask);
    }

    /** Rows r0..r1 of the batch: y[r] = x[r] . w^T + b */
    private void forwardPiece(int piece) {
      int r0 = splitStart(piece, pieces, n), r1 = splitStart(piece + 1, pieces, n);
      if (r1 == r0) return;
      Gemm.sgemm(false, true, r1 - r0, units, d, x.value, r0 * d, d, w.value(), 0, d, y.value, r0 * units, units, false);
      for (int r = r0; r < r1; r++) Elementwise.addInto(b.value(), 0, y.value, r * units, units);
    }

    @Override
    public void backward(int n) {
      this.n = n;
      pool.run(2 * pieces, backwardTask);
      Elementwise.sumColumnsInto(y.grad, n, units, b.grad());
    }

    /**
     * Pieces 0..P-1 own rows of dx: dx[r] += dy[r] . w. Pieces P..2P-1 own rows of dw:
     * dw[u] += dy[:, u]^T . x. Each piece writes only what it owns, so no reduction is needed.
     */
    private void backwardPiece(int piece) {
      if (piece < pieces) {
        if (x.grad == null) return;
        int r0 = splitStart(piece, pieces, n), r1 = splitStart(piece + 1, pieces, n);
        if (r1 == r0) return;
        Gemm.sgemm(false, false, r1 - r0, d, units, y.grad, r0 * units, units, w.value(), 0, d, x.grad, r0 * d, d, true);
      } else {
        int p = piece - pieces;
        int u0 = splitStart(p, pieces, units), u1 = splitStart(p + 1, pieces, units);
        if (u1 == u0) return;
        Gemm.sgemm(true, false, u1 - u0, d, n, y.grad, u0, units, x.value, 0, d, w.grad(), u0 * d, d, true);
      }
    }
  }
}
