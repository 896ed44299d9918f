package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.TableLookup;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.util.List;

/**
 * A learned table of D-dim vectors, one per token of a V-token vocabulary: a sentence of L token
 * ids becomes the sequence of their vectors, laid out channels by length as a 1-D convolution
 * takes it (PyTorch's {@code nn.Embedding} followed by {@code transpose(1, 2)}).
 *
 * <pre>
 *   ids  (N, L)  whole numbers 0..V-1, stored as floats     w  (V, D)     y  (N, D, L)
 *   y[n, d, t] = w[ids[n, t], d]
 * </pre>
 *
 * The ids get no gradient (a token is not a number one can nudge). The weight's gradient is the
 * scatter-add of the output's: dw[ids[n, t], d] += dy[n, d, t], summed where a token repeats.
 *
 * <p>Its fan-in is 1 (each output reads one entry of the table, as a one-hot input times the
 * weight would), so He initialisation draws the vectors from N(0, 2) and Xavier from
 * U(+-sqrt(6 / (1 + D))).
 */
public final class Embedding implements Op {
  private final String layer;
  private final int length, vocabulary, dim;

  public Embedding(String layer, Shape in, int vocabulary, int dim) {
    if (in.rank() != 1) {
      throw new ShapeException(layer + ": an embedding takes a vector of L token ids, received [" + in
          + "]. Use input(Shape.vector(L)) for sentences of L tokens.");
    }
    if (vocabulary < 1) throw new ShapeException(layer + ": the vocabulary must hold at least 1 token, received " + vocabulary);
    if (dim < 1) throw new ShapeException(layer + ": the embedding dimension must be at least 1, received " + dim);
    this.layer = layer;
    this.length = in.dim(0);
    this.vocabulary = vocabulary;
    this.dim = dim;
  }

  @Override
  public String kind() {
    return "EMBED";
  }

  @Override
  public Shape outputShape() {
    return Shape.sequence(dim, length);
  }

  @Override
  public String describe() {
    return String.format(java.util.Locale.ROOT, "a %d-dim vector for each of %,d tokens", dim, vocabulary);
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(new ParamSpec(Role.WEIGHT, new Shape(vocabulary, dim), 1, dim));
  }

  @Override
  public String paramFormula() {
    return vocabulary + "*" + dim;
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    return new Compiled(inputs[0], output, params[0], pool);
  }

  private final class Compiled implements Step {
    private final Tensor ids, y;
    private final Param w;
    private final WorkerPool pool;
    private final int pieces;
    private final WorkerPool.Task forwardTask = this::forwardPiece;
    private final WorkerPool.Task backwardTask = this::backwardPiece;
    private int n;

    Compiled(Tensor ids, Tensor y, Param w, WorkerPool pool) {
      this.ids = ids;
      this.y = y;
      this.w = w;
      this.pool = pool;
      this.pieces = pool.threads();
    }

    @Override
    public void forward(int n, boolean training) {
      this.n = n;
      checkIds(n);
      pool.run(Math.min(pieces, n), forwardTask);
    }

    /** On the calling thread, before any piece runs, so that the first bad id is the one reported. */
    private void checkIds(int n) {
      float[] v = ids.value;
      for (int i = 0; i < n * length; i++) {
        float id = v[i];
        if (!(id >= 0 && id < vocabulary && id == (int) id)) {
          throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
              "%s: token id %s at position %d of example %d is not a whole number in 0..%d (the vocabulary has %d tokens);"
                  + " map unknown words to an id inside the vocabulary",
              layer, id == (long) id ? Long.toString((long) id) : Float.toString(id), i % length, i / length,
              vocabulary - 1, vocabulary));
        }
      }
    }

    private void forwardPiece(int piece) {
      int p = Math.min(pieces, n);
      TableLookup.gather(w.value(), dim, ids.value, length, splitStart(piece, p, n), splitStart(piece + 1, p, n), y.value);
    }

    @Override
    public void backward(int n) {
      this.n = n;
      pool.run(Math.min(pieces, dim), backwardTask);
    }

    /** Columns of the table split among pieces, so that each owns what it adds into. */
    private void backwardPiece(int piece) {
      int p = Math.min(pieces, dim);
      TableLookup.scatterAdd(y.grad, ids.value, n, length, dim, splitStart(piece, p, dim), splitStart(piece + 1, p, dim), w.grad());
    }
  }
}
