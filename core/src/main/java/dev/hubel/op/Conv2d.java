package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Elementwise;
import dev.hubel.kernel.Epilogue;
import dev.hubel.kernel.Gemm;
import dev.hubel.kernel.Im2col;
import dev.hubel.kernel.ImplicitConv;
import dev.hubel.kernel.ThreadScratch;
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
 * already is col. Other stride-1 convolutions with a moderate number of filters on small images
 * are implicit GEMMs ({@link ImplicitConv}): the product reads shifted slices of the zero-padded
 * image instead of a lowered copy; strided ones (but 1x1) run forward the same way over the
 * padded image's phases, compute dw from those phases too (with 32 filters a group and up, the
 * image in one block of rows), and dx lowered. Deep 3x3 convolutions at stride 1 over enough of a
 * batch run by Winograd's F(4x4, 3x3) ({@link WinogradPass}), forward and backward. Filters that
 * cover the whole unpadded input (LeNet-5's C5) make a dense layer, run over the batch. In inference
 * the bias, a fused batch norm, a residual block's shortcut and a fused ReLU are applied as the
 * output is written ({@link dev.hubel.kernel.Epilogue}).
 * Which shapes take which path, and the measurements behind it: {@link ConvPathRules}.
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

  /**
   * How many ways to cut what a unit holds when {@code units} alone would leave some of
   * {@code pieces} threads idle (at most {@code most}).
   */
  static int cutsFor(int units, int most, int pieces) {
    if (units >= 2 * pieces || pieces == 1) return 1;
    return Math.max(1, Math.min(most, (2 * pieces + units - 1) / units));
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    return new Compiled(inputs[0], output, params[0], bias ? params[1] : null, pool);
  }

  /**
   * Whether a compiled convolution's forward pass over n images runs by Winograd, with its 2.25x
   * fewer multiplications than a direct convolution: where the layer is big enough, a frozen plan
   * keeps it NCHW rather than run it channels-last (VGG-16's wide layers at batch 1: 1.1-2x slower
   * channels-last; see ChannelsLastFront).
   */
  public static boolean runsWinograd(Step step, int n) {
    return step instanceof Compiled c && !c.wholeInput && c.winograd != null && c.winograd.pays(n);
  }

  /**
   * The way a compiled convolution's forward pass over n images goes: "gemm" (1x1, the image is
   * the lowering), "lowered", "implicit" or "winograd". For tests that mean one path, so that a
   * change of {@link ConvPathRules} cannot quietly make them test another.
   */
  static String forwardPath(Step step, int n) {
    Compiled c = (Compiled) step;
    if (c.wholeInput) return "whole";
    if (runsWinograd(step, n)) return "winograd";
    return !c.lowered ? "gemm" : c.implicitForward ? "implicit" : "lowered";
  }

  /**
   * Work is cut into numbered units that write disjoint parts of the output, so that both a
   * large batch and a single image keep every thread busy.
   *
   * <p>Forward, a unit is (image, group, block of output positions, block of filters): it lowers
   * only its block of positions, small enough to stay in cache until the product reads it, and
   * multiplies. Filter blocks are only cut when there are too few images and positions to go
   * round. Every output entry is computed the same way whatever the cut and whichever thread runs
   * its unit, so the forward result is the same on any number of threads.
   *
   * <p>Backward, a unit is (image, group, block of input channels): the channels' rows of the
   * lowering give their columns of dw (summed per piece, then over pieces in piece order) and,
   * through the transposed product and col2im, their planes of dx, which no other unit touches.
   */
  private final class Compiled implements Step, FusesRelu, FusesNorm {
    /** Floats of lowered columns per forward block: about half of a core's L2. */
    private static final int COLUMN_BLOCK_FLOATS = 1 << 17;
    /** Floats of a strided layer's slab of phases when the batch gives every thread two images (see the constructor). */
    private static final int PHASED_SLAB_FLOATS = 1 << 19;
    private static final int MIN_BLOCK_POSITIONS = 128;
    /** Columns of the widest register tile (a 64-wide strip of 512-bit vectors). */
    private static final int VECTOR_STRIP = 64;
    /** Most floats of partial dw and scratch over all the backward pass's pieces when balanced (16 MB). */
    private static final long BALANCED_BACKWARD_FLOATS = 1 << 22;

    private final Tensor x, y;
    private final Param w, b;  // b: null without bias
    private final WorkerPool pool;
    private final int pieces;
    /**
     * Pieces of the backward pass, each with its own partial dw and scratch: a few per thread
     * ({@link WorkerPool#balancedPieces}) where their buffers stay small, so that the faster
     * thread takes more images; else one a thread.
     */
    private final int backwardPieces;
    private final int c = in.c(), h = in.h(), wIn = in.w(), ho = out.h(), wo = out.w();
    private final int cg = c / groups;        // input channels one filter sees
    private final int fg = filters / groups;  // filters per group
    private final int k = cg * fh * fw;       // rows of col, columns of w
    private final int hw = ho * wo;           // columns of col
    private final boolean lowered;            // false for 1x1, stride 1, pad 0: the image is col
    private final boolean wholeInput;         // each filter covers the whole unpadded input: a dense layer (see forwardWhole)
    private final boolean implicit;           // stride 1: the product reads the padded image through row tables
    private final boolean implicitForward;    // implicit, or strided and forward through phases of the padded image
    private final WinogradPass winograd;      // 3x3 at stride 1, deep: by Winograd over batches where it pays, else as above; or null
    private final int block, blocks;          // forward: output positions per block, blocks per image
    private final float[][] col, dcol;        // per piece: (k, hw), made by the first backward pass
    private final float[][] dw, db;           // per piece partial sums, reduced in piece order
    /**
     * Whether dw is summed transposed (per group k x fg), as col . dy^T: then the GEMM reads the
     * lowering in place and packs only dy. With few filters the output is narrower than one
     * register tile and dy . col^T (packing the lowering) measured faster (LeNet-5).
     */
    private final boolean dwTransposed;
    private final float[] wT;                 // per group, w_g transposed (k x fg), made once per backward pass
    // The implicit GEMM (see ImplicitConv). Forward: a unit pads its block of rows into a slab
    // (slabChannel floats a channel: at stride s, phases of slabPlane floats and width wq; at
    // stride 1 one plane, wq = wp) and computes a grid of blockRows x wq per filter.
    private final int wp, wq, blockRows, slabPlane, slabChannel;
    private final int[] slabRows;
    // Backward: dw reads whole padded planes (planeX apart) against dy on the grid; dx is the
    // convolution of dy padded by (padDy, padDyW) into planes of width wpDy, with wFlip's weights.
    private final int planeX, padDy, padDyW, wpDy, planeDy, kDy;
    private final int[] xRows, dyRows;
    private final float[] wFlip;
    private final float[][] xPad, dyGrid, dyPad, dxGrid;  // per piece, made by the first backward pass
    private final float[][] phaseSlab, phaseGrid;  // per piece, for phasedDw: made by the first backward pass
    private final boolean phasedDw;  // strided, one block of rows: dw over the forward pass's phases, not a lowering
    private final WorkerPool.Task forwardTask = this::forwardPiece, lowerTask = this::lowerPiece;
    /**
     * Forward, when the filters of one block of positions are cut among units ({@code filterBlocks
     * > 1}, a batch too small to go round): the block's lowering or slab, made once for all its
     * units (by channels, in a job of its own) rather than by each unit for itself. One array a
     * block of the batch, as the gathered product's row starts are indices into it; made on the
     * first such pass.
     */
    private float[][] sharedLowering = new float[0][];
    private boolean lowersShared;  // this pass's units read sharedLowering
    /**
     * Whether units that share a block read one lowering when filters are cut: lowered columns,
     * or a slab whose grid is under one register strip wide. Else every unit of a block lowers it
     * again: at batch 1 on 2 threads ResNet-50's lowerings took 3.5x the CPU time that one thread
     * spent on them. Shared (ModelLayerSpeed, batch 1, 2 threads, 2026-12-04), its 1x1 stride-2
     * layers ran 1.09-1.2x faster, its 3x3 ones with 7x7 outputs 1.04-1.12x; those with wider
     * grids ran 0.87-0.89x, even the strided: a product reads the full strips of its grid where
     * they lie, half in the other core's cache, and copies only a narrower grid (its edge strip)
     * into its own.
     */
    private final boolean sharesLowering;
    private int lowerCuts;         // this pass's channel runs per block in the lowering job
    private final WorkerPool.Task backwardTask = this::backwardPiece;
    private final WorkerPool.Task wholeForwardTask = this::forwardWhole, wholeBackwardTask = this::backwardWhole;
    private int n, units, filterBlocks, channelBlocks;
    private boolean writesInputGradient;  // writesGradientOf: dx written, not added (the plan skips zeroing it)
    private Tensor reluOutput;  // FusesRelu: inference passes write max(0, y) here instead; or null
    private float[] dst;        // this pass's destination: y.value, or reluOutput.value when fused
    private boolean clamp;      // whether this pass writes max(0, y)
    // FusesNorm: the batch norm after this convolution, applied by inference passes; target null when not
    private Param normGamma, normBeta, normMean, normVar;
    private Tensor normTarget;
    private Tensor residual;  // FusesNorm#fuseResidual: added after the norm; or null
    private boolean normRelu, normed;  // normed: this pass applies it
    private final float[] normA = new float[filters];  // per filter, this pass: gamma * invstd

    Compiled(Tensor x, Tensor y, Param w, Param b, WorkerPool pool) {
      this.x = x;
      this.y = y;
      this.w = w;
      this.b = b;
      this.pool = pool;
      this.pieces = pool.threads();
      this.lowered = !(fh == 1 && fw == 1 && stride == 1 && pad == 0 && padW == 0);
      this.wholeInput = lowered && groups == 1 && fh == h && fw == wIn && pad == 0 && padW == 0;
      this.wp = wIn + 2 * padW;
      this.implicit = lowered && !wholeInput && ConvPathRules.implicit(cg, h, wIn, fg, fh, fw, stride, pad, padW, wo);
      this.implicitForward = implicit || lowered && ConvPathRules.phased(cg, h, wIn, fg, fh, fw, stride, pad, padW, wo);
      this.wq = ImplicitConv.phaseWidth(wp, stride);
      int phasesPerChannel = ImplicitConv.phases(stride, fh) * ImplicitConv.phases(stride, fw);
      this.dwTransposed = implicit || fg >= 32;
      this.winograd = !wholeInput && ConvPathRules.winograd(cg, fg, fh, fw, stride, pad, padW)
          ? new WinogradPass(x, y, w, b, pool, groups, pad) : null;
      // positions per forward block: as many lowered columns as fill COLUMN_BLOCK_FLOATS, in whole strips
      int target = Math.max(MIN_BLOCK_POSITIONS, COLUMN_BLOCK_FLOATS / k / VECTOR_STRIP * VECTOR_STRIP);
      // An implicit block's slab of padded rows is Fh*Fw times smaller than the lowered block, so
      // it may span more rows: as many as fill the same cache, and at least `target` columns.
      // (A 56x56x64 image is cut in two blocks of rows: ConvPathsTest has that case.)
      // Strided, over a batch that gives every thread two images or more, slabs of phases four
      // times as large ran faster: two of ResNet-50's 3x3 stride-2 layers at batch 8 1.12-1.16x, the rest
      // even (ModelLayerSpeed, 2026-12-03). With fewer images the threads split an image's filters
      // and each pads its own slab, so smaller blocks that give every thread its own rows won
      // (at batch 1 the larger slab ran ResNet-50's first 3x3 stride-2 layer at 0.73x).
      int images = x.value.length / in.size();  // the plan's batch
      int slabFloats = stride > 1 && images >= 2 * pieces ? PHASED_SLAB_FLOATS : COLUMN_BLOCK_FLOATS;
      int rowsPerBlock = Math.max((target + wq - 1) / wq,
          slabFloats / (cg * phasesPerChannel * wq) - (fh - 1) / stride);
      this.blockRows = ho <= rowsPerBlock + rowsPerBlock / 2 ? ho : rowsPerBlock;
      this.block = hw <= target + target / 2 || wholeImageProduct(images, target) ? hw : target;
      // The last block takes the positions after it when they are fewer than one register strip
      // (a product that narrow runs only the edge tile, yet makes a whole pass over the weights);
      // the lowered path's column buffer holds one block, so it keeps the short block.
      int last = hw % block;
      boolean absorb = !lowered && last > 0 && last < VECTOR_STRIP && hw > block;
      this.blocks = implicitForward ? (ho + blockRows - 1) / blockRows : absorb ? hw / block : (hw + block - 1) / block;
      this.slabPlane = ImplicitConv.phasePlaneSize(ImplicitConv.phaseRows(blockRows, fh, stride), wq, fw, stride);
      this.slabChannel = phasesPerChannel * slabPlane;
      this.slabRows = implicitForward ? ImplicitConv.rowStarts(cg, fh, fw, stride, slabPlane, wq) : null;
      this.planeX = ImplicitConv.planeSize(h + 2 * pad, wp, fw);
      this.padDy = fh - 1 - pad;
      this.padDyW = fw - 1 - padW;
      this.wpDy = wo + 2 * padDyW;
      this.planeDy = ImplicitConv.planeSize(ho + 2 * padDy, wpDy, fw);
      this.kDy = fg * fh * fw;
      this.xRows = implicit ? ImplicitConv.rowStarts(cg, fh, fw, planeX, wp) : null;
      this.dyRows = implicit ? ImplicitConv.rowStarts(fg, fh, fw, planeDy, wpDy) : null;
      // Strided, dw from the forward pass's phases rather than a lowering, where dw is summed
      // transposed (32 filters a group and up) and the phases of the whole image are one block:
      // in training steps (ModelLayerSpeed -Dtrain=true, 2026-12-04), ResNet-20's stride-2
      // layers at batch 128 1.12x and 1.06x, AlexNet's conv1 at 16 1.24x.
      this.phasedDw = implicitForward && !implicit && blockRows == ho && dwTransposed;
      this.sharesLowering = lowered && (!implicitForward || blockRows * wq < VECTOR_STRIP);
      this.backwardPieces = backwardPieces(pool, images);
      this.col = new float[backwardPieces][];
      this.dcol = new float[backwardPieces][];
      this.xPad = new float[backwardPieces][];
      this.dyGrid = new float[backwardPieces][];
      this.dyPad = new float[backwardPieces][];
      this.dxGrid = new float[backwardPieces][];
      this.phaseSlab = new float[backwardPieces][];
      this.phaseGrid = new float[backwardPieces][];
      this.dw = new float[backwardPieces][w.size()];
      this.wT = implicit ? null : new float[w.size()];
      this.wFlip = implicit ? new float[w.size()] : null;
      this.db = new float[backwardPieces][b == null ? 0 : b.size()];
    }

    /**
     * Whether a 1x1 layer's forward unit multiplies a whole image rather than a block of its
     * positions: when the batch gives every thread two images or more (the images alone then
     * share the work out) and the image is at most twice the block (target positions). Each block of positions is a
     * pass over all the layer's weights, and an image of 196 positions cut 128 + 68 made two:
     * whole, ResNet-50's six 1x1 layers on 14x14x1024 ran 1.17-1.27x faster at batch 4 and 8
     * (ModelLayerSpeed, 2026-12-03). At batch 1 the threads then split the filters instead, and
     * that lost 3-7%: there the blocks stay.
     */
    private boolean wholeImageProduct(int images, int target) {
      return !lowered && images >= 2 * pieces && hw <= 2 * target;
    }

    /**
     * {@link #backwardPieces}: balanced over the plan's images where every piece's partial dw
     * and scratch together stay under {@link #BALANCED_BACKWARD_FLOATS}.
     */
    private int backwardPieces(WorkerPool pool, int images) {
      int balanced = pool.balancedPieces(images * groups);
      long scratch = implicit ? (long) cg * planeX + (long) fg * ho * wp + (long) fg * planeDy + (long) cg * h * wpDy
          : (phasedDw ? (long) cg * slabChannel + (long) fg * ho * wq : lowered ? (long) k * hw : 0) + (lowered ? (long) k * hw : 0);
      return (w.size() + scratch) * balanced <= BALANCED_BACKWARD_FLOATS ? balanced : pieces;
    }

    /** Where channel group g of image i starts in x (and in x.grad). */
    private int groupStart(int i, int g) {
      return (i * c + g * cg) * h * wIn;
    }

    private int cutsFor(int units, int most) {
      return Conv2d.cutsFor(units, most, pieces);
    }

    @Override
    public void fuseRelu(Tensor reluOutput) {
      this.reluOutput = reluOutput;
    }

    @Override
    public void fuseNorm(Param gamma, Param beta, Param mean, Param var, Tensor target, boolean relu) {
      this.normGamma = gamma;
      this.normBeta = beta;
      this.normMean = mean;
      this.normVar = var;
      this.normTarget = target;
      this.normRelu = relu;
      this.residual = null;
    }

    @Override
    public void setWeightsFrozen(boolean frozen) {
      if (winograd != null) winograd.setWeightsFrozen(frozen);
    }

    @Override
    public void weightsChanged() {
      if (winograd != null) winograd.weightsChanged();
    }

    /**
     * Agrees where every backward pass takes one path that writes each element of dx once: the
     * implicit GEMM's (each unit's channels copied out of its grid) without Winograd beside it,
     * and the whole-input product. Inside a ResNet-20 block the second convolution alone reads the
     * first one's ReLU, whose gradient the plan had zeroed and this pass then added into.
     */
    @Override
    public boolean writesGradientOf(int input) {
      writesInputGradient = implicit && winograd == null || wholeInput;
      return writesInputGradient;
    }

    @Override
    public boolean fusesResidual() {
      // every pass then finishes in the product's epilogue (forwardWhole's products are transposed)
      return winograd == null && !implicitForward && !wholeInput;
    }

    @Override
    public void fuseResidual(Tensor residual, Tensor target, boolean relu) {
      if (!fusesResidual() || normTarget == null) {
        throw new IllegalStateException("only a lowered or 1x1 convolution with its norm fused can add a residual");
      }
      this.residual = residual;
      this.normTarget = target;
      this.normRelu = relu;
    }

    /** The norm's output for filter f over len floats from at, in place (BatchNorm's arithmetic, exactly). */
    private void normalizeBlock(float[] from, float[] to, int at, int len, int f) {
      Elementwise.normalize(from, to, at, len, normMean.value()[f], normA[f], normBeta.value()[f], normRelu);
    }

    @Override
    public void forward(int n, boolean training) {
      this.n = n;
      this.clamp = !training && reluOutput != null;
      this.normed = !training && normTarget != null;
      this.dst = normed ? normTarget.value : clamp ? reluOutput.value : y.value;
      if (normed) {
        float[] g = normGamma.value(), v = normVar.value();
        for (int f = 0; f < filters; f++) normA[f] = g[f] * (float) (1 / Math.sqrt((double) v[f] + BatchNorm.EPS));
      }
      if (wholeInput) {
        pool.run(pool.balancedPieces(n), wholeForwardTask);
        return;
      }
      if (winograd != null) {
        // its output transform applies the bias, then the ReLU or the norm the plan skips, as it writes
        boolean norm = normed && !clamp;
        winograd.finishWith(dst, norm ? normMean.value() : null, norm ? normA : null, norm ? normBeta.value() : null,
            clamp || norm && normRelu);
        if (winograd.forward(n)) return;
      }
      int base = n * groups * blocks;
      this.filterBlocks = cutsFor(base, fg / 12);
      this.lowersShared = filterBlocks > 1 && sharesLowering;
      if (lowersShared) {
        allocateSharedLowering(base);
        this.lowerCuts = Math.max(1, Math.min(cg, (pool.balancedPieces(base * cg) + base - 1) / base));
        pool.run(base * lowerCuts, lowerTask);
      }
      // One piece per unit, claimed by whichever thread is free: units write disjoint parts of y,
      // so which thread runs one does not matter, and a thread slowed by another process on its
      // core holds up no more than the unit it has.
      pool.run(base * filterBlocks, forwardTask);
    }

    /** Floats of one block's lowering: its slab of padded rows or phases, or its lowered columns. */
    private int loweringFloats() {
      return implicitForward ? cg * slabChannel : k * block;
    }

    /** Makes sharedLowering hold a lowering for each of the first {@code base} blocks of the batch (once). */
    private void allocateSharedLowering(int base) {
      if (sharedLowering.length < base) sharedLowering = java.util.Arrays.copyOf(sharedLowering, base);
      for (int u = 0; u < base; u++) {
        if (sharedLowering[u] == null) sharedLowering[u] = new float[loweringFloats()];
      }
    }

    /** Piece u of the lowering job: channels of one block of the batch, into sharedLowering. */
    private void lowerPiece(int u) {
      int unit = u / lowerCuts, cut = u % lowerCuts;
      int blk = unit % blocks, rest = unit / blocks;
      int g = rest % groups, i = rest / groups;
      int c0 = splitStart(cut, lowerCuts, cg), c1 = splitStart(cut + 1, lowerCuts, cg);
      int from = groupStart(i, g) + c0 * h * wIn;
      float[] to = sharedLowering[unit];
      if (implicitForward) {
        int oy0 = blk * blockRows, rowsOut = Math.min(ho, oy0 + blockRows) - oy0;
        ImplicitConv.padPhases(x.value, from, c1 - c0, h, wIn, pad, padW, fh, fw, stride, oy0, rowsOut,
            to, c0 * slabChannel, slabPlane);
      } else {
        int p0 = blk * block, p1 = blk == blocks - 1 ? hw : p0 + block;
        Im2col.im2colColumns(x.value, from, c1 - c0, h, wIn, fh, fw, stride, pad, padW, ho, wo, p0, p1,
            to, c0 * fh * fw * (p1 - p0));
      }
    }

    private void forwardPiece(int u) {
      int ys = filters * hw;
      int fb = u % filterBlocks, unit = u / filterBlocks, rest = unit;
      int blk = rest % blocks;
      rest /= blocks;
      int g = rest % groups, i = rest / groups;
      int p0 = blk * block, p1 = blk == blocks - 1 ? hw : p0 + block;
      int f0 = g * fg + splitStart(fb, filterBlocks, fg), f1 = g * fg + splitStart(fb + 1, filterBlocks, fg);
      if (implicitForward) {
        forwardImplicit(unit, i, g, blk, f0, f1);
        return;
      }
      float[] src = x.value;
      int srcOff = groupStart(i, g) + p0, ldb = hw;
      if (lowered) {
        if (lowersShared) {
          src = sharedLowering[unit];
        } else {
          src = ThreadScratch.floats(k * block);
          Im2col.im2colColumns(x.value, groupStart(i, g), cg, h, wIn, fh, fw, stride, pad, padW, ho, wo, p0, p1, src, 0);
        }
        srcOff = 0;
        ldb = p1 - p0;
      }
      // y_ig[f0..f1, p0..p1] = w[f0..f1] . col_ig[:, p0..p1], each tile finished with the bias, then
      // the ReLU, or the norm (and a shortcut and ReLU after it), as the product stores it (the bits
      // of the BatchNorm, Add and Relu steps)
      int yOff = i * ys + f0 * hw + p0;
      boolean norm = normed && !clamp;
      Epilogue finish = ThreadScratch.epilogue().set(f0, b == null ? null : b.value(),
          norm ? normMean.value() : null, norm ? normA : null, norm ? normBeta.value() : null,
          norm && residual != null ? residual.value : null, clamp || norm && normRelu);
      Gemm.sgemm(false, false, f1 - f0, p1 - p0, k, w.value(), f0 * k, k, src, srcOff, ldb,
          dst, yOff, hw, false, finish);
    }

    /**
     * Output rows of block blk (the batch's block {@code unit}), filters f0..f1 of image i, as an
     * implicit GEMM over the padded rows they read.
     */
    private void forwardImplicit(int unit, int i, int g, int blk, int f0, int f1) {
      int oy0 = blk * blockRows, rowsOut = Math.min(ho, oy0 + blockRows) - oy0, q = rowsOut * wq;
      float[] s, slab;
      int gridOff;
      if (lowersShared) {
        slab = sharedLowering[unit];
        s = ThreadScratch.floats(fg * blockRows * wq);
        gridOff = 0;
      } else {
        s = slab = ThreadScratch.floats(cg * slabChannel + fg * blockRows * wq);
        gridOff = cg * slabChannel;
        ImplicitConv.padPhases(x.value, groupStart(i, g), cg, h, wIn, pad, padW, fh, fw, stride, oy0, rowsOut, s, 0, slabPlane);
      }
      // grid[f0..f1, q] = w[f0..f1] . B, row (c, ky, kx) of B being a slice of channel c's phase
      // (ky%s, kx%s) from (ky/s)*wq + kx/s (at stride 1 its plane from ky*wp + kx)
      Gemm.sgemmGatherB(f1 - f0, q, k, w.value(), f0 * k, k, slab, slabRows, 0, s, gridOff, q, false);
      int yOff = i * filters * hw + f0 * hw + oy0 * wo;
      ImplicitConv.gridToImage(s, gridOff, q, f1 - f0, rowsOut, wq, wo, dst, yOff, hw,
          b == null ? null : b.value(), f0, false, clamp);
      if (normed) {
        for (int f = f0; f < f1; f++) normalizeBlock(dst, dst, yOff + (f - f0) * hw, rowsOut * wo, f);
      }
    }

    @Override
    public void backward(int n) {
      this.n = n;
      if (wholeInput) {
        pool.run(backwardPieces, wholeBackwardTask);
        reduceWeightGradients();
        return;
      }
      if (winograd != null && winograd.backward(n)) {
        if (b != null) addBiasGradient(n);
        return;
      }
      this.channelBlocks = cutsFor(n * groups, cg);
      this.units = n * groups * channelBlocks;
      if (x.grad != null) {
        // the per-pass copy of the weights that the pieces' dx products read
        if (implicit) {
          ImplicitConv.flipTranspose(w.value(), groups, fg, cg, fh, fw, wFlip);
        } else {
          transposePerGroup(w.value(), wT);
        }
      }
      pool.run(backwardPieces, backwardTask);
      reduceWeightGradients();
    }

    /** The pieces' partial dw and db added into the gradients, in piece order. */
    private void reduceWeightGradients() {
      for (int p = 0; p < backwardPieces; p++) {
        addWeightGradient(dw[p], w.grad());
        if (b != null) Elementwise.addInto(db[p], 0, b.grad(), 0, db[p].length);
      }
    }

    /**
     * Forward where each filter covers the whole input (LeNet-5's C5: 120 5x5 filters on 5x5x16):
     * the lowering of an image is the image itself and the output one value a filter, so the
     * layer is a dense one, y (n x F) = x (n x k) . w^T. Image by image it had been n products
     * one column wide, each a pass over all the weights (LeNet-5's C5 at 4-8 GFLOP/s, half of its
     * training step). Piece {@code piece} takes a run of images: Y^T = w . x^T with the epilogue
     * on each filter's row, then transposed into y.
     */
    private void forwardWhole(int piece) {
      int pieces = pool.balancedPieces(n), i0 = splitStart(piece, pieces, n), i1 = splitStart(piece + 1, pieces, n);
      int count = i1 - i0;
      if (count == 0) return;
      float[] t = ThreadScratch.floats(filters * count);
      boolean norm = normed && !clamp;
      Epilogue finish = ThreadScratch.epilogue().set(0, b == null ? null : b.value(),
          norm ? normMean.value() : null, norm ? normA : null, norm ? normBeta.value() : null,
          clamp || norm && normRelu);
      Gemm.sgemm(false, true, filters, count, k, w.value(), 0, k, x.value, i0 * k, k, t, 0, count, false, finish);
      for (int f = 0; f < filters; f++) {
        for (int j = 0; j < count; j++) dst[(i0 + j) * filters + f] = t[f * count + j];
      }
    }

    /**
     * Backward of {@link #forwardWhole} over piece {@code piece}'s run of images: dw (summed
     * transposed where {@link #dwTransposed}, x^T . dy, else dy^T . x) and db into the piece's
     * partial sums, and dx += dy . w.
     */
    private void backwardWhole(int piece) {
      int i0 = splitStart(piece, backwardPieces, n), i1 = splitStart(piece + 1, backwardPieces, n), count = i1 - i0;
      float[] dwp = dw[piece], dbp = db[piece];
      java.util.Arrays.fill(dwp, 0f);
      java.util.Arrays.fill(dbp, 0f);
      if (count == 0) return;
      float[] dy = y.grad;
      int dyOff = i0 * filters;
      if (dwTransposed) {
        Gemm.sgemm(true, false, k, filters, count, x.value, i0 * k, k, dy, dyOff, filters, dwp, 0, filters, false);
      } else {
        Gemm.sgemm(true, false, filters, k, count, dy, dyOff, filters, x.value, i0 * k, k, dwp, 0, k, false);
      }
      if (b != null) {
        for (int i = 0; i < count; i++) Elementwise.addInto(dy, dyOff + i * filters, dbp, 0, filters);
      }
      if (x.grad != null) {
        Gemm.sgemm(false, false, count, k, filters, dy, dyOff, filters, w.value(), 0, k, x.grad, i0 * k, k,
            !writesInputGradient);
      }
    }

    /** b.grad += the sum of dy over each filter's planes, image by image. */
    private void addBiasGradient(int n) {
      float[] db = b.grad();
      for (int f = 0; f < filters; f++) {
        for (int i = 0; i < n; i++) {
          float sum = 0f;
          for (int j = (i * filters + f) * hw, end = j + hw; j < end; j++) sum += y.grad[j];
          db[f] += sum;
        }
      }
    }

    /** grad += one piece's partial dw, stored transposed per group when {@link #dwTransposed}. */
    private void addWeightGradient(float[] part, float[] grad) {
      if (!dwTransposed) {
        Elementwise.addInto(part, 0, grad, 0, part.length);
        return;
      }
      for (int g = 0; g < groups; g++) {
        for (int f = 0; f < fg; f++) {
          int to = (g * fg + f) * k, from = g * k * fg + f;
          for (int r = 0; r < k; r++) grad[to + r] += part[from + r * fg];
        }
      }
    }

    /** t_g[r, f] = w[g*fg + f, r]: each group's weights as k x fg. */
    private void transposePerGroup(float[] weights, float[] t) {
      for (int g = 0; g < groups; g++) {
        for (int f = 0; f < fg; f++) {
          int from = (g * fg + f) * k, to = g * k * fg + f;
          for (int r = 0; r < k; r++) t[to + r * fg] = weights[from + r];
        }
      }
    }

    private void backwardPiece(int piece) {
      int ys = filters * hw;
      float[] dwp = dw[piece], dbp = db[piece];
      java.util.Arrays.fill(dwp, 0f);
      java.util.Arrays.fill(dbp, 0f);
      if (implicit && xPad[piece] == null) {
        xPad[piece] = new float[cg * planeX];
        dyGrid[piece] = new float[fg * ho * wp];
      }
      if (implicit && x.grad != null && dyPad[piece] == null) {
        dyPad[piece] = new float[fg * planeDy];
        dxGrid[piece] = new float[cg * h * wpDy];
      }
      if (lowered && !implicit && !phasedDw && col[piece] == null) col[piece] = new float[k * hw];
      if (lowered && !implicit && x.grad != null && dcol[piece] == null) dcol[piece] = new float[k * hw];
      for (int u = splitStart(piece, backwardPieces, units); u < splitStart(piece + 1, backwardPieces, units); u++) {
        int cb = u % channelBlocks, rest = u / channelBlocks;
        int g = rest % groups, i = rest / groups;
        int c0 = splitStart(cb, channelBlocks, cg), c1 = splitStart(cb + 1, channelBlocks, cg);
        if (c1 == c0) continue;
        int dyOff = i * ys + g * fg * hw, tOff = g * k * fg;
        if (b != null && cb == 0) {
          for (int f = 0; f < fg; f++) {
            float sum = 0f;
            for (int j = dyOff + f * hw, end = j + hw; j < end; j++) sum += y.grad[j];
            dbp[g * fg + f] += sum;
          }
        }
        int rows = (c1 - c0) * fh * fw, row0 = c0 * fh * fw, xOff = groupStart(i, g) + c0 * h * wIn;
        if (implicit) {
          backwardImplicit(piece, i, g, c0, c1, dyOff, xOff);
          continue;
        }
        float[] src = x.value;
        int srcOff = xOff;
        if (lowered && !phasedDw) {
          Im2col.im2colColumns(x.value, xOff, c1 - c0, h, wIn, fh, fw, stride, pad, padW, ho, wo, 0, hw, col[piece], 0);
          src = col[piece];
          srcOff = 0;
        }
        // y_ig = w_g . col_ig  =>  dw_g[:, rows] += dy_ig . col_ig[rows]^T ; dcol_ig[rows] = (w_g^T)[rows] . dy_ig
        // The GEMM reads A in place and packs a transposed operand: dcol takes the per-pass copy wT
        // as A (w^T as a transposed A was packed for every image), and from 32 filters per group dw
        // is summed transposed, col . dy^T, so that the lowering is A and only dy is packed.
        if (phasedDw) {
          phasedWeightGradient(piece, c0, c1, dyOff, xOff, dwp, tOff + row0 * fg);
        } else if (dwTransposed) {
          Gemm.sgemm(false, true, rows, fg, hw, src, srcOff, hw, y.grad, dyOff, hw, dwp, tOff + row0 * fg, fg, true);
        } else {
          Gemm.sgemm(false, true, fg, rows, hw, y.grad, dyOff, hw, src, srcOff, hw, dwp, g * fg * k + row0, k, true);
        }
        if (x.grad == null) continue;
        if (lowered) {
          Gemm.sgemm(false, false, rows, hw, fg, wT, tOff + row0 * fg, fg, y.grad, dyOff, hw, dcol[piece], 0, hw, false);
          Im2col.col2imAdd(dcol[piece], 0, c1 - c0, h, wIn, fh, fw, stride, pad, padW, ho, wo, x.grad, xOff);
        } else {
          Gemm.sgemm(false, false, rows, hw, fg, wT, tOff + row0 * fg, fg, y.grad, dyOff, hw, x.grad, xOff, hw, true);
        }
      }
    }

    /**
     * A strided layer's dw^T rows for channels c0..c1 of one image, from {@code dwOff} in dw: the
     * forward pass's phase rows . dy laid on the phases' grid^T, in place of a lowering (dx is
     * lowered as for any strided layer).
     */
    private void phasedWeightGradient(int piece, int c0, int c1, int dyOff, int xOff, float[] dwp, int dwOff) {
      int q = ho * wq;
      if (phaseSlab[piece] == null) {
        phaseSlab[piece] = new float[cg * slabChannel];
        phaseGrid[piece] = new float[fg * q];
      }
      float[] slab = phaseSlab[piece], grid = phaseGrid[piece];
      ImplicitConv.padPhases(x.value, xOff, c1 - c0, h, wIn, pad, padW, fh, fw, stride, 0, ho, slab, 0, slabPlane);
      ImplicitConv.imageToGrid(y.grad, dyOff, fg, ho, wo, wq, grid, 0);
      Gemm.sgemmGatherA((c1 - c0) * fh * fw, fg, q, slab, slabRows, 0, grid, 0, q, dwp, dwOff, fg, true);
    }

    /**
     * Channels c0..c1 of group g of image i, implicitly: dw^T[rows] += padded x rows . dy_grid^T;
     * dx[c0..c1] += the kept columns of wFlip[c0..c1] . (dy padded, read through dyRows).
     */
    private void backwardImplicit(int piece, int i, int g, int c0, int c1, int dyOff, int xOff) {
      int rows = (c1 - c0) * fh * fw, row0 = c0 * fh * fw, q = ho * wp;
      float[] xp = xPad[piece], grid = dyGrid[piece];
      ImplicitConv.padRows(x.value, xOff, c1 - c0, h, wIn, pad, padW, fw, 0, h + 2 * pad, xp, 0, planeX);
      ImplicitConv.imageToGrid(y.grad, dyOff, fg, ho, wo, wp, grid, 0);
      Gemm.sgemmGatherA(rows, fg, q, xp, xRows, 0, grid, 0, q, dw[piece], g * k * fg + row0 * fg, fg, true);
      if (x.grad == null) return;
      int qDx = h * wpDy;
      ImplicitConv.padRows(y.grad, dyOff, fg, ho, wo, padDy, padDyW, fw, 0, ho + 2 * padDy, dyPad[piece], 0, planeDy);
      Gemm.sgemmGatherB(c1 - c0, qDx, kDy, wFlip, (g * cg + c0) * kDy, kDy, dyPad[piece], dyRows, 0, dxGrid[piece], 0, qDx, false);
      ImplicitConv.gridToImage(dxGrid[piece], 0, qDx, c1 - c0, h, wpDy, wIn, x.grad, xOff, h * wIn, null, 0,
          !writesInputGradient);
    }
  }
}
