package dev.hubel.op;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.util.List;

/**
 * 1-D convolution over a sequence: F filters, each K positions wide and the full depth C of its
 * input, slid at stride S along the length zero-padded by P at both ends, plus one bias per filter
 * (Kim 2014: a filter of width 3 over a sentence of 300-dim word vectors reads 3 words at a time).
 *
 * <pre>
 *   x  (N, C, L)      w  (F, C, K)      b  (F)      y  (N, F, Lo)
 *   Lo = (L - K + 2P) / S + 1                       (the lecture's rule, along the length only)
 * </pre>
 *
 * A (C, L) sequence is stored as a (C, 1, L) image would be, so the step is Conv2d's with a 1 x K
 * filter padded only along L. The weight keeps PyTorch's Conv1d layout (F, C, K), which is the same
 * floats as Conv2d's (F, C, 1, K).
 */
public final class Conv1d implements Op {
  private final Shape in;
  private final Shape out;
  private final int filters, width, stride, pad;
  private final Conv2d asImage;

  public Conv1d(String layer, Shape in, int filters, int width, int stride, int pad) {
    if (!in.isSequence()) {
      throw new ShapeException(layer + ": a 1-D convolution needs a sequence LxC (length x channels) as input, received ["
          + in + "]. Use conv2d for HxWxC images; embedding turns token ids into a sequence.");
    }
    if (filters < 1) throw new ShapeException(layer + ": the number of filters must be at least 1, received " + filters);
    this.in = in;
    this.filters = filters;
    this.width = width;
    this.stride = stride;
    this.pad = pad;
    int length = OutputSize.of(layer, "filter of width " + width, in.toString(), in.dim(1), width, stride, pad, Fit.EXACT);
    this.out = Shape.sequence(filters, length);
    this.asImage = new Conv2d(layer, Shape.chw(in.dim(0), 1, in.dim(1)), filters, 1, width, stride, 0, pad, Fit.EXACT);
  }

  @Override
  public String kind() {
    return "CONV";
  }

  @Override
  public Shape outputShape() {
    return out;
  }

  @Override
  public String describe() {
    return filters + (filters == 1 ? " filter" : " filters") + " of width " + width + " at stride " + stride + ", pad " + pad;
  }

  @Override
  public List<ParamSpec> params() {
    int c = in.dim(0), fanIn = c * width;
    return List.of(
        new ParamSpec(Role.WEIGHT, new Shape(filters, c, width), fanIn, filters * width),
        new ParamSpec(Role.BIAS, Shape.vector(filters), fanIn, filters));
  }

  @Override
  public String paramFormula() {
    return "(" + width + "*" + in.dim(0) + ")*" + filters + " + " + filters;
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    return asImage.compile(inputs, output, params, pool);
  }
}
