package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.util.Arrays;

/**
 * Adds channels of zeros before and after a volume's own: the identity shortcut that widens, the
 * "option A" of He et al. 2015 (sec. 3.3 and 4.2), which adds depth without adding parameters.
 *
 * <pre>
 *   x  (N, C, H, W)     y  (N, before + C + after, H, W)     y[:, before : before + C] = x, zeros elsewhere
 * </pre>
 */
public final class PadChannels implements Op {
  private final Shape in;
  private final Shape out;
  private final int before, after;

  public PadChannels(String layer, Shape in, int before, int after) {
    if (!in.isVolume()) {
      throw new ShapeException(layer + ": padding channels needs a HxWxC volume as input, received [" + in + "]");
    }
    if (before < 0 || after < 0 || before + after == 0) {
      throw new ShapeException(layer + ": the channels to add before and after must be 0 or more and not both 0,"
          + " received " + before + " and " + after);
    }
    this.in = in;
    this.before = before;
    this.after = after;
    this.out = Shape.chw(before + in.c() + after, in.h(), in.w());
  }

  @Override
  public String kind() {
    return "PAD";
  }

  @Override
  public Shape outputShape() {
    return out;
  }

  @Override
  public String describe() {
    return in.c() + " channels and " + (before + after) + " of zeros: " + before + " before, " + after + " after";
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    int plane = in.h() * in.w();
    int len = in.size(), outStride = out.size(), lead = before * plane;
    int pieces = Math.min(pool.threads(), output.batch);
    return new Step() {
      private int n;
      private final WorkerPool.Task fwd = p -> {
        for (int i = splitStart(p, pieces, n); i < splitStart(p + 1, pieces, n); i++) {
          int o = i * outStride;
          Arrays.fill(output.value, o, o + lead, 0f);
          System.arraycopy(x.value, i * len, output.value, o + lead, len);
          Arrays.fill(output.value, o + lead + len, o + outStride, 0f);
        }
      };
      // y[:, before : before + C] = x  =>  dx += dy[:, before : before + C]; the zeros have no input
      private final WorkerPool.Task bwd = p -> {
        for (int i = splitStart(p, pieces, n); i < splitStart(p + 1, pieces, n); i++) {
          Elementwise.addInto(output.grad, i * outStride + lead, x.grad, i * len, len);
        }
      };

      @Override
      public void forward(int n, boolean training) {
        this.n = n;
        pool.run(pieces, fwd);
      }

      @Override
      public void backward(int n) {
        if (x.grad == null) return;
        this.n = n;
        pool.run(pieces, bwd);
      }
    };
  }
}
