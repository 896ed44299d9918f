package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Epilogue;
import dev.hubel.kernel.Gemm;
import dev.hubel.kernel.ImplicitConv;
import dev.hubel.kernel.ThreadScratch;
import dev.hubel.kernel.Winograd3x3;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Tensor;
import java.util.Arrays;

/**
 * A 3x3 stride-1 convolution by Winograd's F(4x4, 3x3) ({@link Winograd3x3}), for
 * {@link Conv2d}'s compiled step: the forward pass, and the backward pass's dx and dw. Each pass
 * runs only when it pays over the batch at hand ({@link ConvPathRules#winogradPays}); otherwise
 * it says so and the step lowers as usual.
 *
 * <p>Forward and dx: work is cut into units of (chunk of {@value #CHUNK} tiles, group, block of
 * output channels), each transforming its own input and carrying its products in thread scratch.
 * Tiles are numbered over the whole batch, so a chunk may span images; output-channel blocks are
 * cut only when there are too few chunks to go round, except that a forward pass over fewer than
 * four chunks runs in phases over all its tiles ({@link #forwardInPhases}). dw runs in three phases over buffers of the
 * whole batch: the input and the output gradient transformed, chunk by chunk; then one product
 * dU[xi] = dM[xi] . V[xi]^T per position and group, each summing over every tile at once; then
 * dw += G^T dU G, by filters. Every value is computed the same way whatever the cut, so results
 * are the same on any number of threads.
 */
final class WinogradPass {
  /** Tiles per unit: one 64-wide register strip of the products' columns. */
  private static final int CHUNK = 64;
  private static final int P = Winograd3x3.POSITIONS;
  /**
   * Below this many tiles in the batch (four chunks) the forward pass runs in phases
   * ({@link #forwardInPhases}). Timed inside ResNet-50 (ModelLayerSpeed, frozen weights, 2
   * threads, 2026-12-03): its 256 at 14x14 at batch 8 (128 tiles, two chunks, whose filters the
   * chunked pass cut in two, each cut transforming its chunk's input again) 1.12-1.16x in phases;
   * its 64 at 56x56 at batch 1 (196 tiles: chunks of 64, 64, 64 and 4, which leave one thread
   * idle for most of a chunk) 1.10x. At four whole chunks and more the chunked pass won: AlexNet's
   * 13x13 layers at batch 16 (256 tiles) 1.11-1.23x, ResNet-50's 28x28 at 8 (392) 1.11-1.16x. A
   * count of tiles, not of threads, so that results are the same on any number of threads.
   */
  private static final int PHASE_MAX_TILES = 4 * CHUNK;
  /** Blocks of channels and of filters in {@link #forwardInPhases}. */
  private static final int PHASE_BLOCKS = 2;

  private final Tensor x, y;
  private final Param w, b;  // b: null without bias
  private final WorkerPool pool;
  private final int groups, c, h, wIn, filters, cg, fg, ho, wo, pad;
  private final int tilesH, tilesW, tiles;        // 4x4 tiles of y: per column, per row, per image
  private final boolean forced = ConvPathRules.winogradForced();  // hubel.conv=winograd when compiled
  // The forward pass's destination and epilogue after the bias (finishWith), set before each pass
  private float[] dst, finishMean, finishScale, finishShift;
  private boolean finishRelu;
  private final int tilesHDx, tilesWDx, tilesDx;  // the same for dx
  // Made by the first pass that goes this way (a layer that never does, at its batch, holds none):
  private float[] u;                              // per group, the 36 transformed weight blocks
  private float[] uFrom;                          // the weights u was made from (unfrozen): an unchanged model skips the transform
  private float[] uDx, wFlip;                     // dx's: made by the first backward pass (the weights flipped, transposed)
  private float[] vAll, dmAll, du;                // dw's phases, made by the first backward pass
  private float[] phaseV, phaseM;                 // a forward pass in phases: made by the first
  private final WorkerPool.Task forwardTask = this::forwardUnit;
  private final WorkerPool.Task dxTask = this::inputGradientUnit;
  private final WorkerPool.Task dwTransformTask = this::weightGradientTransformUnit;
  private final WorkerPool.Task dwProductTask = this::weightGradientProduct;
  private final WorkerPool.Task dwBackTask = this::weightGradientBackPiece;
  private final WorkerPool.Task weightsTask = this::weightsPiece;
  private final WorkerPool.Task dxWeightsTask = this::dxWeightsPiece;
  private final WorkerPool.Task phaseInputTask = this::phaseInputUnit;
  private final WorkerPool.Task phaseProductTask = this::phaseProductUnit;
  private final WorkerPool.Task phaseOutputTask = this::phaseOutputUnit;
  private int n, cuts, chunks;
  private boolean uValid;
  private boolean frozen;  // the weights are declared fixed: U, once made, is not checked against them

  WinogradPass(Tensor x, Tensor y, Param w, Param b, WorkerPool pool, int groups, int pad) {
    this.x = x;
    this.y = y;
    this.w = w;
    this.b = b;
    this.pool = pool;
    this.groups = groups;
    this.pad = pad;
    this.c = x.shape.c();
    this.h = x.shape.h();
    this.wIn = x.shape.w();
    this.filters = y.shape.c();
    this.ho = y.shape.h();
    this.wo = y.shape.w();
    this.cg = c / groups;
    this.fg = filters / groups;
    this.tilesH = Winograd3x3.tiles(ho);
    this.tilesW = Winograd3x3.tiles(wo);
    this.tiles = tilesH * tilesW;
    this.tilesHDx = Winograd3x3.tiles(h);
    this.tilesWDx = Winograd3x3.tiles(wIn);
    this.tilesDx = tilesHDx * tilesWDx;
  }

  /** Frozen weights: U is made on the next pass and then trusted until {@link #weightsChanged}. */
  void setWeightsFrozen(boolean frozen) {
    this.frozen = frozen;
    this.uValid = false;
  }

  /** The weights changed in place: the next pass makes U again. */
  void weightsChanged() {
    this.uValid = false;
  }

  /** Whether a pass over n images goes this way: enough tiles. */
  boolean pays(int n) {
    return ConvPathRules.winogradPays(n * tiles, cg, fg, forced);
  }

  /**
   * Where the next forward pass writes and how it finishes each output (Epilogue): into dst
   * (y's values, or the fused norm's or ReLU's output), after the bias the norm (mean, scale,
   * shift; or nulls), then max(0, .) when relu.
   */
  void finishWith(float[] dst, float[] mean, float[] scale, float[] shift, boolean relu) {
    this.dst = dst;
    this.finishMean = mean;
    this.finishScale = scale;
    this.finishShift = shift;
    this.finishRelu = relu;
  }

  /** This thread's epilogue for outputs from filter {@code first} on: the bias, then as {@link #finishWith} said. */
  private Epilogue finish(int first) {
    return ThreadScratch.epilogue().set(first, b == null ? null : b.value(), finishMean, finishScale, finishShift,
        finishRelu);
  }

  /** The convolution into the destination {@link #finishWith} set, if Winograd pays over n images; false (nothing done) if not. */
  boolean forward(int n) {
    if (!pays(n)) return false;
    this.n = n;
    if (u == null) u = new float[P * w.size() / 9];
    // Inference runs the same weights pass after pass: U is made again only when they changed,
    // which costs a comparison of all of them on every pass unless the plan says they are frozen
    // (a read of twice the weights: 1.03-1.16x on ResNet-50's Winograd layers at batch 8,
    // 1.01-1.12x on VGG-16's at batch 1, its 28x28 layers 1.06-1.12x, in BENCHMARKS).
    if (!uValid || !frozen && !Arrays.equals(uFrom, w.value())) {
      pool.run(pool.threads(), weightsTask);
      if (!frozen) {  // frozen, nothing compares with the copy, so none is kept
        if (uFrom == null) uFrom = new float[w.size()];
        System.arraycopy(w.value(), 0, uFrom, 0, uFrom.length);
      }
      uValid = true;
    }
    int chunks = (n * tiles + CHUNK - 1) / CHUNK;
    if (n * tiles < PHASE_MAX_TILES && groups == 1) {
      forwardInPhases();
      return true;
    }
    this.cuts = Conv2d.cutsFor(chunks * groups, fg / 12, pool.threads());
    pool.run(chunks * groups * cuts, forwardTask);
    return true;
  }

  /**
   * The forward pass over fewer than {@link #PHASE_MAX_TILES} tiles (a batch of one image,
   * mostly), in three phases so that every thread has work without transforming the input twice: V in
   * {@value #PHASE_BLOCKS} blocks of channels; the 36 products in blocks of filters, each summing
   * over the blocks of channels in order; y in the same blocks of filters. (One unit per chunk,
   * its filters cut among the threads, had each cut transform the whole input again: 0.8-0.9x the
   * implicit GEMM at 16 and 49 tiles.) The blocks are fixed, not one per thread, so that the sums
   * are the same on any number of threads.
   */
  private void forwardInPhases() {
    int ld = Winograd3x3.padded(n * tiles);
    int size = P * PHASE_BLOCKS * ((Math.max(cg, fg) + PHASE_BLOCKS - 1) / PHASE_BLOCKS) * ld;
    if (phaseV == null || phaseV.length < size) {
      phaseV = new float[size];
      phaseM = new float[size];
    }
    pool.run(PHASE_BLOCKS, phaseInputTask);
    pool.run(P * PHASE_BLOCKS, phaseProductTask);
    pool.run(PHASE_BLOCKS, phaseOutputTask);
  }

  /** Where block k starts in the phases' buffers: each block of `of` channels or filters holds at most ceil(of / PHASE_BLOCKS) of them. */
  private static int phaseBase(int k, int of, int ld) {
    return k * P * ((of + PHASE_BLOCKS - 1) / PHASE_BLOCKS) * ld;
  }

  /** Phase one, block b of channels: V[xi][c - c0] for its channels c0..c1, all tiles. */
  private void phaseInputUnit(int cb) {
    int total = n * tiles, ld = Winograd3x3.padded(total);
    int c0 = splitStart(cb, PHASE_BLOCKS, cg), c1 = splitStart(cb + 1, PHASE_BLOCKS, cg);
    if (c1 == c0) return;
    float[] s = ThreadScratch.floats(Winograd3x3.scratch(total, tilesW));
    Winograd3x3.input(x.value, c0 * h * wIn, c * h * wIn, c1 - c0, h, wIn, pad, tilesH, tilesW, 0, total, phaseV,
        phaseBase(cb, cg, ld), ld, s, 0);
  }

  /** Phase two, position xi for block fb of filters: M[xi][f0..f1] = sum over blocks of channels of U[xi][f0..f1][c0..c1] . V[xi][c0..c1]. */
  private void phaseProductUnit(int unit) {
    int xi = unit / PHASE_BLOCKS, fb = unit % PHASE_BLOCKS, total = n * tiles, ld = Winograd3x3.padded(total);
    int f0 = splitStart(fb, PHASE_BLOCKS, fg), f1 = splitStart(fb + 1, PHASE_BLOCKS, fg), rows = f1 - f0;
    if (rows == 0) return;
    for (int cb = 0; cb < PHASE_BLOCKS; cb++) {
      int c0 = splitStart(cb, PHASE_BLOCKS, cg), c1 = splitStart(cb + 1, PHASE_BLOCKS, cg);
      Gemm.sgemm(false, false, rows, total, c1 - c0, u, (xi * fg + f0) * cg + c0, cg,
          phaseV, phaseBase(cb, cg, ld) + xi * (c1 - c0) * ld, ld,
          phaseM, phaseBase(fb, fg, ld) + xi * rows * ld, ld, cb > 0);
    }
  }

  /** Phase three, block fb of filters: their outputs from M. */
  private void phaseOutputUnit(int fb) {
    int total = n * tiles, ld = Winograd3x3.padded(total);
    int f0 = splitStart(fb, PHASE_BLOCKS, fg), f1 = splitStart(fb + 1, PHASE_BLOCKS, fg);
    if (f1 == f0) return;
    float[] s = ThreadScratch.floats(Winograd3x3.scratch(total, tilesW));
    Winograd3x3.output(phaseM, phaseBase(fb, fg, ld), ld, f1 - f0, f0, 0, total, tilesH, tilesW, dst,
        filters * ho * wo, ho, wo, finish(f0), false, s, 0);
  }

  /**
   * The backward pass, if Winograd pays over n images (false, nothing done, if not): dx += the
   * convolution of dy (padded by 2 - pad) with the flipped, transposed weights, when x has a
   * gradient; and w.grad += dw. The bias's gradient is left to the caller.
   */
  boolean backward(int n) {
    if (!pays(n)) return false;
    this.n = n;
    if (x.grad != null) inputGradient();
    weightGradient();
    return true;
  }

  private void inputGradient() {
    if (uDx == null) {
      uDx = new float[P * w.size() / 9];
      wFlip = new float[w.size()];
    }
    ImplicitConv.flipTranspose(w.value(), groups, fg, cg, 3, 3, wFlip);
    pool.run(pool.threads(), dxWeightsTask);
    int chunks = (n * tilesDx + CHUNK - 1) / CHUNK;
    this.cuts = Conv2d.cutsFor(chunks * groups, cg / 12, pool.threads());
    pool.run(chunks * groups * cuts, dxTask);
  }

  private void weightGradient() {
    int total = n * tiles, ld = Winograd3x3.padded(total);
    if (vAll == null || vAll.length < groups * P * cg * ld) {
      vAll = new float[groups * P * cg * ld];
      dmAll = new float[groups * P * fg * ld];
    }
    if (du == null) du = new float[groups * P * fg * cg];
    this.chunks = (total + CHUNK - 1) / CHUNK;
    pool.run(chunks * groups, dwTransformTask);
    pool.run(groups * P, dwProductTask);
    pool.run(pool.threads(), dwBackTask);
  }

  private void forwardUnit(int unit) {
    run(unit, n * tiles, x.value, cg, h, wIn, c * h * wIn, pad, u, fg, dst, filters * ho * wo, ho, wo,
        tilesH, tilesW, true, false);
  }

  private void inputGradientUnit(int unit) {
    run(unit, n * tilesDx, y.grad, fg, ho, wo, filters * ho * wo, 2 - pad, uDx, cg, x.grad, c * h * wIn,
        h, wIn, tilesHDx, tilesWDx, false, true);
  }

  /**
   * One unit: a chunk of tiles of the output, one group, one block of its output channels. The
   * input has inC channels per group (group g's from {@code g*inC*inH*inW}), the output outC per
   * group; uw holds per group the 36 transformed weight blocks (outC x inC). finished: the
   * forward pass's epilogue ({@link #finishWith}) on each output; else none.
   */
  private void run(int unit, int totalTiles, float[] in, int inC, int inH, int inW, int inImage, int padIn,
                   float[] uw, int outC, float[] out, int outImage, int outH, int outW, int tH, int tW,
                   boolean finished, boolean accumulate) {
    int fb = unit % cuts, rest = unit / cuts;
    int g = rest % groups, chunk = rest / groups;
    int f0 = splitStart(fb, cuts, outC), f1 = splitStart(fb + 1, cuts, outC), rows = f1 - f0;
    int t0 = chunk * CHUNK, count = Math.min(CHUNK, totalTiles - t0);
    int ld = Winograd3x3.padded(count), vSize = P * inC * ld;
    int tmpOff = P * (inC + outC) * CHUNK;
    float[] s = ThreadScratch.floats(tmpOff + Winograd3x3.scratch(CHUNK, tW));
    Winograd3x3.input(in, g * inC * inH * inW, inImage, inC, inH, inW, padIn, tH, tW, t0, count, s, 0, ld,
        s, tmpOff);
    int uOff = g * P * outC * inC;
    for (int xi = 0; xi < P; xi++) {
      // M[xi] (rows x count) = U[xi][f0..f1] (rows x inC) . V[xi] (inC x count)
      Gemm.sgemm(false, false, rows, count, inC, uw, uOff + (xi * outC + f0) * inC, inC, s, xi * inC * ld, ld,
          s, vSize + xi * rows * ld, ld, false);
    }
    Winograd3x3.output(s, vSize, ld, rows, g * outC + f0, t0, count, tH, tW, out, outImage, outH, outW,
        finished ? finish(g * outC + f0) : null, accumulate, s, tmpOff);
  }

  private void weightsPiece(int piece) {
    transformWeights(piece, w.value(), fg, cg, u);
  }

  private void dxWeightsPiece(int piece) {
    transformWeights(piece, wFlip, cg, fg, uDx);
  }

  /**
   * This piece's share of the transformed weights: of each group's `rows` (filters, or for dx
   * channels) by `cols`, the rows splitStart(piece) .. splitStart(piece + 1). The weights change
   * every training step, and one thread had spent 0.9 ms on AlphaGo's 192 x 192 each pass.
   */
  private void transformWeights(int piece, float[] weights, int rows, int cols, float[] into) {
    int pieces = pool.threads(), r0 = splitStart(piece, pieces, rows), r1 = splitStart(piece + 1, pieces, rows);
    float[] t = ThreadScratch.floats(Winograd3x3.weightScratch(cols));
    for (int g = 0; g < groups; g++) {
      Winograd3x3.weights(weights, g * rows * cols * 9, rows, cols, r0, r1, into, g * P * rows * cols, t);
    }
  }

  /** dw's first phase, one chunk of one group: V of x and dM of dy into the batch's buffers. */
  private void weightGradientTransformUnit(int unit) {
    int g = unit % groups, chunk = unit / groups, total = n * tiles, ld = Winograd3x3.padded(total);
    int t0 = chunk * CHUNK, count = Math.min(CHUNK, total - t0);
    float[] s = ThreadScratch.floats(Winograd3x3.scratch(CHUNK, tilesW));
    Winograd3x3.input(x.value, g * cg * h * wIn, c * h * wIn, cg, h, wIn, pad, tilesH, tilesW, t0, count,
        vAll, g * P * cg * ld + t0, ld, s, 0);
    Winograd3x3.outputGradient(y.grad, g * fg * ho * wo, filters * ho * wo, fg, ho, wo, tilesH, tilesW, t0,
        count, dmAll, g * P * fg * ld + t0, ld, s, 0);
  }

  /** dw's second phase, one position xi of one group: dU[xi] (fg x cg) = dM[xi] (fg x T) . V[xi]^T (T x cg). */
  private void weightGradientProduct(int unit) {
    int g = unit / P, xi = unit % P, total = n * tiles, ld = Winograd3x3.padded(total);
    Gemm.sgemm(false, true, fg, cg, total, dmAll, (g * P + xi) * fg * ld, ld, vAll, (g * P + xi) * cg * ld,
        ld, du, (g * P + xi) * fg * cg, cg, false);
  }

  /** dw's last phase: w.grad += G^T dU G for this piece's filters of every group. */
  private void weightGradientBackPiece(int piece) {
    int pieces = pool.threads();
    int f0 = splitStart(piece, pieces, fg), f1 = splitStart(piece + 1, pieces, fg);
    if (f1 == f0) return;
    float[] t = ThreadScratch.floats(Winograd3x3.scratch(1, 1));
    for (int g = 0; g < groups; g++) {
      Winograd3x3.weightGradient(du, g * P * fg * cg, fg, cg, f0, f1, w.grad(), g * fg * cg * 9, t);
    }
  }
}
