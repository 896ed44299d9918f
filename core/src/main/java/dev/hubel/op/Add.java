package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;

/**
 * y = a + b, elementwise: where a residual block's shortcut joins its output [He et al., 2015].
 * The backward pass hands dy to both inputs, so a node that feeds the block and its shortcut
 * receives the sum of both paths' gradients.
 */
public final class Add implements Op {
  private final String aName, bName;
  private final Shape shape;

  public Add(String layer, String aName, Shape a, String bName, Shape b) {
    if (!a.equals(b)) {
      throw new ShapeException(layer + ": only inputs of the same shape can be added, received " + aName + " [" + a
          + "] and " + bName + " [" + b + "]. A shortcut across a change of size or depth needs a projection"
          + " (a 1x1 convolution at the block's stride) or zero padding to match.");
    }
    this.aName = aName;
    this.bName = bName;
    this.shape = a;
  }

  @Override
  public String kind() {
    return "ADD";
  }

  @Override
  public Shape outputShape() {
    return shape;
  }

  @Override
  public String describe() {
    return aName + " + " + bName;
  }

  private interface AddStep extends Step, FusesRelu, FusesReluInTraining {}

  /** Floats of dy per chunk of the backward pass: 16 KB, with the ReLU's output as much, stay in L1. */
  private static final int CHUNK = 4096;

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor a = inputs[0], b = inputs[1];
    int size = shape.size();
    int pieces = pool.balancedPieces(size);  // element ranges, claimed as threads come free
    return new AddStep() {
      private int count;
      private Tensor reluOutput;    // FusesRelu: inference passes write max(0, a + b) here instead; or null
      private Tensor trainingRelu;  // FusesReluInTraining: training passes too, and backward reads its gradient; or null
      private Tensor relu;          // this pass's: one of those, or null
      private final WorkerPool.Task fwd = p -> {
        int from = splitStart(p, pieces, count), to = splitStart(p + 1, pieces, count);
        if (relu != null) {
          Elementwise.addRelu(a.value, b.value, relu.value, from, to);
        } else {
          Elementwise.add(a.value, b.value, output.value, from, to);
        }
      };
      private boolean writesA, writesB;  // writesGradientOf: da = dy (db = dy) instead of adding
      // y = a + b  =>  da += dy ; db += dy  (the same array twice when a node is added to itself);
      // fused with the ReLU after it, dy is that ReLU's gradient where its output is positive, else 0
      // Chunk by chunk, both inputs' gradients: the second reads dy (and the ReLU's output) from L1
      // where, piece by piece, it read them from memory again (a piece is up to a megabyte).
      private final WorkerPool.Task bwd = p -> {
        int from = splitStart(p, pieces, count), to = splitStart(p + 1, pieces, count);
        for (int c0 = from; c0 < to; c0 += CHUNK) {
          int c1 = Math.min(to, c0 + CHUNK);
          if (a.grad != null) gradientInto(a.grad, writesA, c0, c1);
          if (b.grad != null) gradientInto(b.grad, writesB, c0, c1);
        }
      };

      private void gradientInto(float[] grad, boolean write, int from, int to) {
        if (trainingRelu != null && write) {
          Elementwise.reluBackwardInto(trainingRelu.value, trainingRelu.grad, grad, from, to);
        } else if (trainingRelu != null) {
          Elementwise.reluBackward(trainingRelu.value, trainingRelu.grad, grad, from, to);
        } else if (write) {
          System.arraycopy(output.grad, from, grad, from, to - from);
        } else {
          Elementwise.addInto(output.grad, from, grad, from, to - from);
        }
      }

      @Override
      public boolean writesGradientOf(int input) {
        if (input == 0) writesA = true;
        if (input == 1) writesB = true;
        return true;
      }

      @Override
      public void forward(int n, boolean training) {
        count = n * size;
        relu = training ? trainingRelu : reluOutput;
        pool.run(pieces, fwd);
      }

      @Override
      public void fuseRelu(Tensor reluOutput) {
        this.reluOutput = reluOutput;
      }

      @Override
      public void fuseReluInTraining(Tensor relu) {
        this.trainingRelu = relu;
      }

      @Override
      public void writeOwnOutput(int n) {
        Elementwise.add(a.value, b.value, output.value, 0, n * size);
      }

      @Override
      public void backward(int n) {
        count = n * size;
        pool.run(pieces, bwd);
      }
    };
  }
}
