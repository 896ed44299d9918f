package dev.hubel.op;

import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;

/**
 * What max and average pooling share: a Fh x Fw window slid at stride S over each depth slice
 * (padded by P), the lecture's output-size rule, and no parameters. The depth is unchanged.
 */
abstract sealed class Pool2d implements Op permits MaxPool2d, AvgPool2d {
  final Shape in;
  final Shape out;
  final int fh, fw, stride, pad;

  Pool2d(String layer, Shape in, int fh, int fw, int stride, int pad, Fit fit) {
    if (!in.isVolume()) {
      throw new ShapeException(layer + ": pooling needs a HxWxC volume as input, received [" + in + "]");
    }
    if (2 * pad > Math.min(fh, fw)) {
      throw new ShapeException(layer + ": padding " + pad + " is more than half the " + fh + "x" + fw
          + " window, so some windows would see only padding; use pad <= " + Math.min(fh, fw) / 2);
    }
    this.in = in;
    this.fh = fh;
    this.fw = fw;
    this.stride = stride;
    this.pad = pad;
    String window = fh + "x" + fw + " window";
    int ho = OutputSize.of(layer, window, in.toString(), in.h(), fh, stride, pad, fit);
    int wo = OutputSize.of(layer, window, in.toString(), in.w(), fw, stride, pad, fit);
    this.out = Shape.chw(in.c(), ho, wo);
  }

  @Override
  public Shape outputShape() {
    return out;
  }

  @Override
  public String describe() {
    return fh + "x" + fw + " filters at stride " + stride + (pad > 0 ? ", pad " + pad : "");
  }
}
