package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.Gemm;
import dev.hubel.kernel.ImplicitConv;
import dev.hubel.kernel.ThreadScratch;
import dev.hubel.kernel.Winograd3x3;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Tensor;

/**
 * The forward pass and the input gradient of a 3x3 stride-1 convolution by Winograd's
 * F(2x2, 3x3) ({@link Winograd3x3}), for {@link Conv2d}'s compiled step; dw stays with the step.
 * Each pass runs only when it pays over the batch at hand ({@link ConvPathRules#winogradPays});
 * otherwise it says so and the step lowers as usual.
 *
 * <p>Work is cut into units of (chunk of {@value #CHUNK} tiles, group, block of output channels).
 * Tiles are numbered over the whole batch, so a chunk may span images; output-channel blocks are
 * cut only when there are too few chunks to go round. Every value is computed the same way
 * whatever the cut, so results are the same on any number of threads.
 */
final class WinogradPass {
  /** Tiles per unit: one 64-wide register strip of the products' columns. */
  private static final int CHUNK = 64;

  private final Tensor x, y;
  private final Param w, b;  // b: null without bias
  private final WorkerPool pool;
  private final int groups, c, h, wIn, filters, cg, fg, ho, wo, pad;
  private final int tilesH, tilesW, tiles;        // 2x2 tiles of y: per column, per row, per image
  private final int tilesHDx, tilesWDx, tilesDx;  // the same for dx
  private final float[] u, uDx;                   // per group, the 16 transformed weight blocks
  private final float[] wFlip;                    // dx's weights: flipped and transposed per group
  private final WorkerPool.Task forwardTask = this::forwardUnit;
  private final WorkerPool.Task dxTask = this::inputGradientUnit;
  private int n, cuts;

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
    this.tilesH = (ho + 1) / 2;
    this.tilesW = (wo + 1) / 2;
    this.tiles = tilesH * tilesW;
    this.tilesHDx = (h + 1) / 2;
    this.tilesWDx = (wIn + 1) / 2;
    this.tilesDx = tilesHDx * tilesWDx;
    this.u = new float[Winograd3x3.POSITIONS * w.size() / 9];
    this.uDx = new float[Winograd3x3.POSITIONS * w.size() / 9];
    this.wFlip = new float[w.size()];
  }

  /** y = the convolution, if Winograd pays over n images; false (nothing done) if not. */
  /** Whether a forward pass over n images goes this way: enough tiles. */
  boolean pays(int n) {
    return ConvPathRules.winogradPays(n * tiles);
  }

  boolean forward(int n) {
    if (!pays(n)) return false;
    this.n = n;
    for (int g = 0; g < groups; g++) {
      Winograd3x3.transformWeights(w.value(), g * fg * cg * 9, fg, cg, u, g * Winograd3x3.POSITIONS * fg * cg);
    }
    int chunks = (n * tiles + CHUNK - 1) / CHUNK;
    this.cuts = Conv2d.cutsFor(chunks * groups, fg / 12, pool.threads());
    pool.run(chunks * groups * cuts, forwardTask);
    return true;
  }

  /**
   * dx += the convolution of dy (padded by 2 - pad) with the flipped, transposed weights, if
   * Winograd pays over n images and x has a gradient; false (nothing done) if not.
   */
  boolean inputGradient(int n) {
    if (x.grad == null || !ConvPathRules.winogradPays(n * tilesDx)) return false;
    this.n = n;
    ImplicitConv.flipTranspose(w.value(), groups, fg, cg, 3, 3, wFlip);
    for (int g = 0; g < groups; g++) {
      Winograd3x3.transformWeights(wFlip, g * cg * fg * 9, cg, fg, uDx, g * Winograd3x3.POSITIONS * cg * fg);
    }
    int chunks = (n * tilesDx + CHUNK - 1) / CHUNK;
    this.cuts = Conv2d.cutsFor(chunks * groups, cg / 12, pool.threads());
    pool.run(chunks * groups * cuts, dxTask);
    return true;
  }

  private void forwardUnit(int unit) {
    run(unit, n * tiles, x.value, cg, h, wIn, c * h * wIn, pad, u, fg, y.value, filters * ho * wo, ho, wo,
        tilesH, tilesW, b == null ? null : b.value(), false);
  }

  private void inputGradientUnit(int unit) {
    run(unit, n * tilesDx, y.grad, fg, ho, wo, filters * ho * wo, 2 - pad, uDx, cg, x.grad, c * h * wIn,
        h, wIn, tilesHDx, tilesWDx, null, true);
  }

  /**
   * One unit: a chunk of tiles of the output, one group, one block of its output channels. The
   * input has inC channels per group (group g's from {@code g*inC*inH*inW}), the output outC per
   * group; uw holds per group the 16 transformed weight blocks (outC x inC).
   */
  private void run(int unit, int totalTiles, float[] in, int inC, int inH, int inW, int inImage, int padIn,
                   float[] uw, int outC, float[] out, int outImage, int outH, int outW, int tH, int tW,
                   float[] bias, boolean accumulate) {
    int fb = unit % cuts, rest = unit / cuts;
    int g = rest % groups, chunk = rest / groups;
    int f0 = splitStart(fb, cuts, outC), f1 = splitStart(fb + 1, cuts, outC), rows = f1 - f0;
    int t0 = chunk * CHUNK, count = Math.min(CHUNK, totalTiles - t0);
    int positions = Winograd3x3.POSITIONS, vSize = positions * inC * count;
    int tmpOff = positions * (inC + outC) * CHUNK;
    float[] s = ThreadScratch.floats(tmpOff + Winograd3x3.outputScratch());
    Winograd3x3.transformInput(in, g * inC * inH * inW, inImage, inC, inH, inW, padIn, tH, tW, t0, count, s);
    int uOff = g * positions * outC * inC;
    for (int xi = 0; xi < positions; xi++) {
      // M[xi] (rows x count) = U[xi][f0..f1] (rows x inC) . V[xi] (inC x count)
      Gemm.sgemm(false, false, rows, count, inC, uw, uOff + (xi * outC + f0) * inC, inC, s, xi * inC * count, count,
          s, vSize + xi * rows * count, count, false);
    }
    Winograd3x3.output(s, vSize, rows, g * outC + f0, t0, count, tH, tW, out, outImage, outH, outW, bias, accumulate, s, tmpOff);
  }
}
