package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.Gemm;
import dev.hubel.kernel.Im2col;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.util.List;

/**
 * 2-D convolution: F filters of size Fh x Fw, each over the full depth C of its input, slid at
 * stride S over the input zero-padded by P, plus one bias per filter unless it has none (a
 * convolution followed by batch norm, as in ResNet: the norm's shift would cancel the bias).
 *
 * <pre>
 *   x  (N, C, H, W)      w  (F, C/G, Fh, Fw)      b  (F)      y  (N, F, Ho, Wo)
 *   Ho = (H - Fh + 2P) / S + 1                    (the lecture's rule; see {@link OutputSize})
 * </pre>
 *
 * With G groups (PyTorch's {@code groups}; AlexNet's two GPU towers), filters g*F/G .. (g+1)*F/G - 1
 * see only input channels g*C/G .. (g+1)*C/G - 1, so each filter has C/G channels. G = 1 is the
 * ordinary convolution.
 *
 * Each image (and group) is lowered with im2col to col (C/G*Fh*Fw, Ho*Wo) and multiplied:
 * y_g = w_g . col_g + b_g. A 1x1 filter at stride 1 without padding needs no lowering: the image
 * already is col.
 */
public final class Conv2d implements Op {
  private final String layer;
  private final Shape in;
  private final Shape out;
  private final int filters, fh, fw, stride, pad, padW, groups;
  private final boolean bias;

  public Conv2d(String layer, Shape in, int filters, int fh, int fw, int stride, int pad, Fit fit) {
    this(layer, in, filters, fh, fw, stride, pad, pad, fit, 1, true);
  }

  public Conv2d(String layer, Shape in, int filters, int fh, int fw, int stride, int pad, Fit fit, int groups) {
    this(layer, in, filters, fh, fw, stride, pad, pad, fit, groups, true);
  }

  public Conv2d(String layer, Shape in, int filters, int fh, int fw, int stride, int pad, Fit fit, int groups, boolean bias) {
    this(layer, in, filters, fh, fw, stride, pad, pad, fit, groups, bias);
  }

  /** Padding {@code pad} on the top and bottom, {@code padW} on the left and right: Conv1d's (C, 1, L) view pads only along L. */
  Conv2d(String layer, Shape in, int filters, int fh, int fw, int stride, int pad, int padW, Fit fit) {
    this(layer, in, filters, fh, fw, stride, pad, padW, fit, 1, true);
  }

  Conv2d(String layer, Shape in, int filters, int fh, int fw, int stride, int pad, int padW, Fit fit, int groups, boolean bias) {
    if (!in.isVolume()) {
      throw new ShapeException(layer + ": a convolution needs a HxWxC volume as input, received [" + in
          + "]. Put it before any FLATTEN or FC layer.");
    }
    if (filters < 1) throw new ShapeException(layer + ": the number of filters must be at least 1, received " + filters);
    checkGroups(layer, groups, filters, in.c());
    this.layer = layer;
    this.in = in;
    this.filters = filters;
    this.fh = fh;
    this.fw = fw;
    this.stride = stride;
    this.pad = pad;
    this.groups = groups;
    this.bias = bias;
    this.padW = padW;
    String window = fh + "x" + fw + " filter";
    int ho = OutputSize.of(layer, window, in.toString(), in.h(), fh, stride, pad, fit);
    int wo = OutputSize.of(layer, window, in.toString(), in.w(), fw, stride, padW, fit);
    this.out = Shape.chw(filters, ho, wo);
  }

  private static void checkGroups(String layer, int groups, int filters, int channels) {
    if (groups < 1) throw new ShapeException(layer + ": groups must be at least 1, received " + groups);
    if (filters % groups == 0 && channels % groups == 0) return;
    StringBuilder common = new StringBuilder();
    for (int g = 1; g <= Math.min(filters, channels); g++) {
      if (filters % g == 0 && channels % g == 0) common.append(common.length() == 0 ? "" : ", ").append(g);
    }
    throw new ShapeException(layer + ": " + groups + " groups do not split " + filters + " filters over "
        + channels + " input channels evenly; both must divide by the number of groups. Groups that fit: "
        + common + ".");
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
    return filters + " " + fh + "x" + fw + (filters == 1 ? " filter" : " filters") + " at stride " + stride + ", pad " + pad
        + (groups > 1 ? ", in " + groups + " groups" : "");
  }

  @Override
  public List<ParamSpec> params() {
    int fanIn = in.c() / groups * fh * fw;
    ParamSpec weight = new ParamSpec(Role.WEIGHT, new Shape(filters, in.c() / groups, fh, fw), fanIn, filters * fh * fw);
    if (!bias) return List.of(weight);
    return List.of(weight, new ParamSpec(Role.BIAS, Shape.vector(filters), fanIn, filters));
  }

  @Override
  public String paramFormula() {
    return "(" + fh + "*" + fw + "*" + in.c() / groups + ")*" + filters + (bias ? " + " + filters : "");
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    return new Compiled(inputs[0], output, params[0], bias ? params[1] : null, pool);
  }

  private final class Compiled implements Step {
    private final Tensor x, y;
    private final Param w, b;  // b: null without bias
    private final WorkerPool pool;
    private final int pieces;
    private final int c = in.c(), h = in.h(), wIn = in.w(), ho = out.h(), wo = out.w();
    private final int cg = c / groups;        // input channels one filter sees
    private final int fg = filters / groups;  // filters per group
    private final int k = cg * fh * fw;       // rows of col, columns of w
    private final int hw = ho * wo;           // columns of col
    private final boolean lowered;            // false for 1x1, stride 1, pad 0: the image is col
    private final float[][] col, dcol;        // per piece: (k, hw)
    private final float[][] dw, db;           // per piece partial sums, reduced in piece order
    private final WorkerPool.Task forwardTask = this::forwardPiece;
    private final WorkerPool.Task backwardTask = this::backwardPiece;
    private int n;

    Compiled(Tensor x, Tensor y, Param w, Param b, WorkerPool pool) {
      this.x = x;
      this.y = y;
      this.w = w;
      this.b = b;
      this.pool = pool;
      this.pieces = Math.min(pool.threads(), x.batch);
      this.lowered = !(fh == 1 && fw == 1 && stride == 1 && pad == 0 && padW == 0);
      this.col = new float[pieces][lowered ? k * hw : 0];
      this.dcol = new float[pieces][lowered && x.grad != null ? k * hw : 0];
      this.dw = new float[pieces][w.size()];
      this.db = new float[pieces][b == null ? 0 : b.size()];
    }

    /** Where channel group g of image i starts in x (and in x.grad). */
    private int groupStart(int i, int g) {
      return (i * c + g * cg) * h * wIn;
    }

    /**
     * Group g of image i as the column matrix (k, hw): lowered into this piece's buffer, or the
     * image itself for 1x1 (then read from {@link #groupStart}, else from 0).
     */
    private float[] columns(int piece, int i, int g) {
      if (!lowered) return x.value;
      Im2col.im2col(x.value, groupStart(i, g), cg, h, wIn, fh, fw, stride, pad, padW, ho, wo, col[piece], 0);
      return col[piece];
    }

    @Override
    public void forward(int n, boolean training) {
      this.n = n;
      pool.run(pieces, forwardTask);
    }

    private void forwardPiece(int piece) {
      int ys = filters * hw;
      for (int i = splitStart(piece, pieces, n); i < splitStart(piece + 1, pieces, n); i++) {
        for (int g = 0; g < groups; g++) {
          float[] src = columns(piece, i, g);
          int srcOff = lowered ? 0 : groupStart(i, g);
          // y_ig (F/G, hw) = w_g (F/G, k) . col_ig (k, hw)
          Gemm.sgemm(false, false, fg, hw, k, w.value(), g * fg * k, k, src, srcOff, hw,
              y.value, i * ys + g * fg * hw, hw, false);
        }
        if (b != null) Elementwise.addBiasPerRow(y.value, i * ys, filters, hw, b.value());
      }
    }

    @Override
    public void backward(int n) {
      this.n = n;
      pool.run(pieces, backwardTask);
      for (int p = 0; p < pieces; p++) {
        Elementwise.addInto(dw[p], 0, w.grad(), 0, dw[p].length);
        if (b != null) Elementwise.addInto(db[p], 0, b.grad(), 0, db[p].length);
      }
    }

    private void backwardPiece(int piece) {
      int ys = filters * hw;
      float[] dwp = dw[piece], dbp = db[piece];
      java.util.Arrays.fill(dwp, 0f);
      java.util.Arrays.fill(dbp, 0f);
      for (int i = splitStart(piece, pieces, n); i < splitStart(piece + 1, pieces, n); i++) {
        if (b != null) Elementwise.sumRowsInto(y.grad, i * ys, filters, hw, dbp);
        for (int g = 0; g < groups; g++) {
          float[] src = columns(piece, i, g);
          int srcOff = lowered ? 0 : groupStart(i, g);
          int dyOff = i * ys + g * fg * hw, wOff = g * fg * k;
          // y_ig = w_g . col_ig  =>  dw_g += dy_ig . col_ig^T ; db += rowsum(dy_i) ; dcol_ig = w_g^T . dy_ig
          Gemm.sgemm(false, true, fg, k, hw, y.grad, dyOff, hw, src, srcOff, hw, dwp, wOff, k, true);
          if (x.grad == null) continue;
          if (lowered) {
            Gemm.sgemm(true, false, k, hw, fg, w.value(), wOff, k, y.grad, dyOff, hw, dcol[piece], 0, hw, false);
            Im2col.col2imAdd(dcol[piece], 0, cg, h, wIn, fh, fw, stride, pad, padW, ho, wo, x.grad, groupStart(i, g));
          } else {
            Gemm.sgemm(true, false, k, hw, fg, w.value(), wOff, k, y.grad, dyOff, hw, x.grad, groupStart(i, g), hw, true);
          }
        }
      }
    }
  }
}
