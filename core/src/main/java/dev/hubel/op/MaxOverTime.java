package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Pooling;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;

/**
 * Max-over-time pooling (Kim 2014): each of the C maps of a sequence keeps only its largest value,
 * wherever in the sentence it was, so sentences of any feature length give one vector of C.
 *
 * <pre>
 *   x  (N, C, L)      y  (N, C)      y[n, c] = max_t x[n, c, t]
 * </pre>
 *
 * It is max pooling with one window as long as the sequence, and uses that kernel; the backward
 * pass sends each gradient to the position that won (the first, on ties, as PyTorch's max).
 */
public final class MaxOverTime implements Op {
  private final int channels, length;

  public MaxOverTime(String layer, Shape in) {
    if (!in.isSequence()) {
      throw new ShapeException(layer + ": max over time needs a sequence LxC (length x channels) as input, received ["
          + in + "]. For HxWxC images, use maxPool with a window as large as the image.");
    }
    this.channels = in.dim(0);
    this.length = in.dim(1);
  }

  @Override
  public String kind() {
    return "MAX OVER TIME";
  }

  @Override
  public Shape outputShape() {
    return Shape.vector(channels);
  }

  @Override
  public String describe() {
    return "the largest of each map's " + length + " values";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    int[] argmax = new int[output.value.length];
    int pieces = pool.threads();
    return new Step() {
      private int maps;
      private final WorkerPool.Task fwd = p -> {
        int m0 = splitStart(p, pieces, maps), m1 = splitStart(p + 1, pieces, maps);
        Pooling.maxForward(x.value, m0 * length, m1 - m0, 1, length, 1, length, 1, 0, 1, 1, output.value, m0, argmax);
      };
      private final WorkerPool.Task bwd = p ->
          Pooling.maxBackward(output.grad, splitStart(p, pieces, maps), splitStart(p + 1, pieces, maps), argmax, x.grad);

      @Override
      public void forward(int n, boolean training) {
        maps = n * channels;
        pool.run(pieces, fwd);
      }

      @Override
      public void backward(int n) {
        if (x.grad == null) return;
        maps = n * channels;
        pool.run(pieces, bwd);
      }
    };
  }
}
