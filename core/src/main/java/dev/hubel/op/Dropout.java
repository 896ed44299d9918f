package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.DropoutMask;
import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;

/**
 * Inverted dropout (Srivastava et al. 2014): in a training forward pass each unit is dropped with
 * probability p and the kept ones are scaled by 1 / (1 - p), so that the expected output equals
 * the input and inference needs no rescaling: there the layer is the identity.
 *
 * <p>The mask comes from the seed the plan hands the step before each training pass
 * ({@link Step#reseed}) and each unit's index in the batch, never from a stateful generator:
 * the same seed and iteration drop the same units on any number of threads.
 */
public final class Dropout implements Op {
  private final Shape in;
  private final double p;

  public Dropout(String layer, Shape in, double p) {
    if (!(p >= 0 && p < 1)) {
      throw new ShapeException(layer + ": dropout " + p + ": expected a probability in [0, 1), the share of units "
          + "dropped in training (AlexNet and VGG drop 0.5)");
    }
    this.in = in;
    this.p = p;
  }

  /** The probability that a unit is dropped in training. */
  public double p() {
    return p;
  }

  @Override
  public String kind() {
    return "DROPOUT";
  }

  @Override
  public Shape outputShape() {
    return in;
  }

  @Override
  public String describe() {
    return "drops each unit with probability " + Lrn.plain(p) + " in training, scales the rest by 1/(1-p)";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    int size = in.size();
    int pieces = pool.threads();
    int threshold = DropoutMask.threshold(p);
    float scale = (float) (1 / (1 - p));
    return new Step() {
      private long seed;
      private boolean masked;  // whether the last forward pass dropped units, so backward must too
      private int count;
      private final WorkerPool.Task fwd = piece -> DropoutMask.forward(x.value, output.value,
          splitStart(piece, pieces, count), splitStart(piece + 1, pieces, count), seed, threshold, scale);
      private final WorkerPool.Task bwd = piece -> DropoutMask.backward(output.grad, x.grad,
          splitStart(piece, pieces, count), splitStart(piece + 1, pieces, count), seed, threshold, scale);
      private final WorkerPool.Task identity = piece -> {
        int from = splitStart(piece, pieces, count), len = splitStart(piece + 1, pieces, count) - from;
        System.arraycopy(x.value, from, output.value, from, len);
      };
      private final WorkerPool.Task identityBack = piece -> {
        int from = splitStart(piece, pieces, count), len = splitStart(piece + 1, pieces, count) - from;
        Elementwise.addInto(output.grad, from, x.grad, from, len);
      };

      @Override
      public void reseed(long seed) {
        this.seed = seed;
      }

      @Override
      public void forward(int n, boolean training) {
        count = n * size;
        masked = training && p > 0;
        pool.run(pieces, masked ? fwd : identity);
      }

      @Override
      public void backward(int n) {
        if (x.grad == null) return;
        count = n * size;
        pool.run(pieces, masked ? bwd : identityBack);
      }
    };
  }
}
