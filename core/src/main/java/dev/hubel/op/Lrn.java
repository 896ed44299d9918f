package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.LocalResponseNorm;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.math.BigDecimal;

/**
 * Local response normalisation across channels, AlexNet's NORM layer (PyTorch's LocalResponseNorm):
 * each value is divided by (k + alpha/size * the sum of squares over the {@code size} channels around
 * it, at the same pixel)^beta. No parameters; the shape is unchanged.
 *
 * <pre>
 *   x (N, C, H, W)    s (N, C, H, W), kept for the backward pass    y (N, C, H, W) = x * s^-beta
 * </pre>
 */
public final class Lrn implements Op {
  private final Shape in;
  private final int size;
  private final double alpha, beta, k;

  public Lrn(String layer, Shape in, int size, double alpha, double beta, double k) {
    if (!in.isVolume()) {
      throw new ShapeException(layer + ": local response normalisation works across the channels of a HxWxC volume, received ["
          + in + "]. Put it before any FLATTEN or FC layer.");
    }
    if (size < 1) throw new ShapeException(layer + ": the window must span at least 1 channel, received size " + size);
    requireNumber(layer, "alpha", alpha, 0, "0 or more");
    requireNumber(layer, "beta", beta, 0, "0 or more");
    if (!(k > 0) || Double.isInfinite(k)) {
      throw new ShapeException(layer + ": k must be a positive number (it keeps the divisor away from 0), received " + k);
    }
    this.in = in;
    this.size = size;
    this.alpha = alpha;
    this.beta = beta;
    this.k = k;
  }

  private static void requireNumber(String layer, String name, double v, double min, String want) {
    if (!(v >= min) || Double.isInfinite(v)) throw new ShapeException(layer + ": " + name + " must be " + want + ", received " + v);
  }

  @Override
  public String kind() {
    return "NORM";
  }

  @Override
  public Shape outputShape() {
    return in;
  }

  /** The lecture's words, then the settings: "Normalization layer (LRN, size 5, alpha 0.0001, beta 0.75, k 2)". */
  @Override
  public String describe() {
    return "Normalization layer (LRN, size " + size + ", alpha " + plain(alpha) + ", beta " + plain(beta)
        + ", k " + plain(k) + ")";
  }

  /** 1e-4 as 0.0001, 2.0 as 2: a setting as a person writes it. */
  static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    Tensor x = inputs[0];
    float[] s = new float[output.value.length];
    int c = in.c(), hw = in.h() * in.w();
    int pieces = pool.threads();
    float a = (float) alpha, b = (float) beta, kk = (float) k;
    return new Step() {
      private int units;  // n * hw pixels, each a column of c channels
      private final WorkerPool.Task fwd = piece -> run(piece, true);
      private final WorkerPool.Task bwd = piece -> run(piece, false);

      /** Pixels u0..u1-1 of the batch, image by image: each run is pixels p0..p1-1 of one image. */
      private void run(int piece, boolean forward) {
        int u0 = splitStart(piece, pieces, units), u1 = splitStart(piece + 1, pieces, units);
        while (u0 < u1) {
          int off = u0 / hw * c * hw, p0 = u0 % hw, p1 = Math.min(hw, p0 + (u1 - u0));
          if (forward) {
            LocalResponseNorm.forward(x.value, output.value, s, off, c, hw, p0, p1, size, a, b, kk);
          } else {
            LocalResponseNorm.backward(x.value, output.value, s, output.grad, x.grad, off, c, hw, p0, p1, size, a, b);
          }
          u0 += p1 - p0;
        }
      }

      @Override
      public void forward(int n, boolean training) {
        units = n * hw;
        pool.run(pieces, fwd);
      }

      @Override
      public void backward(int n) {
        if (x.grad == null) return;
        units = n * hw;
        pool.run(pieces, bwd);
      }
    };
  }
}
