package dev.hubel.kernel;

/**
 * A convolution over channels-last activations ({@link Nhwc}) for inference: F filters of
 * Fh x Fw over all C input channels, stride S, padding P read from the input's zero border, then
 * a bias, optionally a residual added and a ReLU, as the output is written. Made once per layer
 * (the weights packed here), then run on every pass without allocating.
 *
 * <p>The product is y (pixels x F) = x' (pixels x K) . w' (K x F), K = Fh * Fw * C ordered
 * (row of the window, column, channel): in NHWC one row of a window is Fw * C consecutive floats
 * of the input, so x' is never made; the kernel broadcasts each input value to a vector of
 * filters. With filters along the vector (rather than pixels, as the NCHW path has them), a 7x7
 * map of 49 pixels wastes no lanes, and every layer with F a multiple of the vector's width fills
 * them all.
 *
 * <p>Weights are packed into blocks of filters as wide as the kernel's register tile
 * ({@link #blockStarts}): block by block, k by k, the block's filters side by side. A batch norm
 * in inference folds into them: w * gamma / sqrt(var + eps) and the shifted bias.
 *
 * <p>Loop order: where a filter block's weights for all of k fit 256 KB, a group of blocks
 * holding about that much ({@link #groupBlocks}; all of them where the whole weights fit), pixel
 * tile of {@link #TILE_ROWS}, block; else filter block, k block (about 256 KB of packed weights,
 * which stay in L2 while every pixel tile of the piece goes over them), pixel tile. Pieces cut
 * the (group or filter block, pixel tile) pairs group first, so a batch of one with many filters
 * splits by filters, and a wide map with few by pixels.
 */
public final class NhwcConvolution implements WorkerPool.Task {
  /** Output pixels per register tile. */
  public static final int TILE_ROWS = 7;
  /** Floats of packed weights per k block: 256 KB, a quarter of one core's L2 here. */
  private static final int BLOCK_FLOATS = 1 << 16;

  final Nhwc in, out;
  final int fh, fw, stride, pad, filters, k;
  final float[] packed, bias;
  final int lanes;
  // what the pass in flight reads and writes (set by run)
  float[] x, y, residual;
  Nhwc residualLayout;
  boolean relu;
  int pixels;
  final int[] blockStart;  // filter blocks: start of each, and filters at the end
  private int pieces, tiles;
  /**
   * Filter blocks a piece takes through each pixel tile together, where each block's weights for
   * all of k fit 256 KB (0 where they do not: k is cut into blocks instead). All the blocks where
   * the whole weights fit, so that a tile's input rows stay in L1 across them and its output
   * pixels are written whole (filter block first, 56x56x64 into 256 filters had every piece read
   * the whole input and write 32-filter slivers of every pixel: 2.5x slower); else groups of
   * about 256 KB, so that the input is read once per group, not once per block (1x1 layers of
   * 256 channels into 1024 at batch 8 had read their 1.6 MB input 32 times; grouped, they ran
   * 5-8% faster, ResNet-50's strided 1x1 layers 6-13%).
   */
  private final int groupBlocks;
  private final WorkerPool pool;

  /**
   * @param weights (F, C, Fh, Fw), as Conv2d keeps them
   * @param bias per filter, or null for none
   * @param gamma with beta, mean and var, a batch norm to fold in, or all null
   * @param eps the norm's epsilon
   */
  public NhwcConvolution(Nhwc in, Nhwc out, int fh, int fw, int stride, int pad, float[] weights, float[] bias,
                         float[] gamma, float[] beta, float[] mean, float[] var, float eps, WorkerPool pool) {
    this.lanes = ChannelsLast.lanes();
    if (out.c() % lanes != 0) {
      throw new IllegalArgumentException("channels-last convolutions take a multiple of " + lanes
          + " filters on this CPU, received " + out.c());
    }
    if (pad > in.border()) {
      throw new IllegalArgumentException("padding " + pad + " exceeds the input's border " + in.border());
    }
    int ho = (in.h() + 2 * pad - fh) / stride + 1, wo = (in.w() + 2 * pad - fw) / stride + 1;
    if (ho != out.h() || wo != out.w()) {
      throw new IllegalArgumentException("a " + fh + "x" + fw + " window at stride " + stride + ", pad " + pad
          + " over " + in.h() + "x" + in.w() + " gives " + ho + "x" + wo + ", not " + out.h() + "x" + out.w());
    }
    this.in = in;
    this.out = out;
    this.fh = fh;
    this.fw = fw;
    this.stride = stride;
    this.pad = pad;
    this.filters = out.c();
    this.k = fh * fw * in.c();
    this.pool = pool;
    this.blockStart = blockStarts(filters, lanes);
    float[] scale = new float[filters];
    this.bias = foldNorm(filters, bias, gamma, beta, mean, var, eps, scale);
    this.packed = pack(weights, scale);
    int blocks = blockStart.length - 1;
    this.groupBlocks = !sumsWholeK(k, lanes) ? 0
        : (long) k * filters <= BLOCK_FLOATS ? blocks : Math.min(blocks, BLOCK_FLOATS / (k * 2 * lanes));
  }

  /**
   * Whether a layer with k products per output takes all of them in one pass per pixel tile (a
   * filter block's weights for all of k fit 256 KB), so that each output is written once, after
   * its residual is read; else k is cut into blocks whose partial sums pass through y.
   */
  private static boolean sumsWholeK(int k, int lanes) {
    return (long) k * 2 * lanes <= BLOCK_FLOATS;
  }

  /**
   * Whether y may be the residual's own array (same layout): each output is then read as the
   * residual and overwritten in the same step, which saves a stream of memory traffic. Not where
   * k is cut into blocks: the first block's partial sums would overwrite the residual.
   */
  public static boolean addsResidualInPlace(int fh, int fw, int channels) {
    return sumsWholeK(fh * fw * channels, ChannelsLast.lanes());
  }

  /** Where each filter block starts, and the filter count at the end: blocks of two vectors, the last maybe one. */
  static int[] blockStarts(int filters, int lanes) {
    int[] starts = new int[filters / lanes + 1];
    int blocks = 0;
    for (int f = 0; f < filters; f += filters - f >= 2 * lanes ? 2 * lanes : lanes) starts[blocks++] = f;
    starts[blocks] = filters;
    return java.util.Arrays.copyOf(starts, blocks + 1);
  }

  /**
   * A batch norm (gamma etc., or all null) folded into the layer: each filter's weights to be
   * scaled by {@code scale[f]} (written here), and the bias returned, shifted by the norm.
   */
  static float[] foldNorm(int filters, float[] bias, float[] gamma, float[] beta, float[] mean, float[] var, float eps,
                          float[] scale) {
    float[] shift = new float[filters];
    for (int f = 0; f < filters; f++) {
      double a = gamma == null ? 1 : gamma[f] / Math.sqrt((double) var[f] + eps);
      double b = bias == null ? 0 : bias[f];
      scale[f] = (float) a;
      shift[f] = (float) (gamma == null ? b : (b - mean[f]) * a + beta[f]);
    }
    return shift;
  }

  /** (F, C, Fh, Fw) scaled per filter, into blocks of [k][block's filters], k = (row, column, channel). */
  private float[] pack(float[] w, float[] scale) {
    int c = in.c();
    float[] p = new float[filters * k];
    for (int b = 0; b + 1 < blockStart.length; b++) {
      int f0 = blockStart[b], width = blockStart[b + 1] - f0;
      for (int r = 0; r < fh; r++) {
        for (int s = 0; s < fw; s++) {
          for (int ch = 0; ch < c; ch++) {
            int kk = (r * fw + s) * c + ch;
            for (int j = 0; j < width; j++) {
              int f = f0 + j;
              p[f0 * k + kk * width + j] = w[((f * c + ch) * fh + r) * fw + s] * scale[f];
            }
          }
        }
      }
    }
    return p;
  }

  /** Output pixels of one image. */
  int pixelsPerImage() {
    return out.h() * out.w();
  }

  /**
   * y (laid out as out) = the convolution of x (laid out as in) over images 0..n-1, plus the
   * residual (laid out as {@code residualLayout}) when not null, then clamped at zero when relu.
   * The residual may be y itself where {@link #addsResidualInPlace} allows.
   */
  public void run(float[] x, float[] y, Nhwc residualLayout, float[] residual, boolean relu, int n) {
    this.x = x;
    this.y = y;
    this.residual = residual;
    this.residualLayout = residualLayout;
    this.relu = relu;
    this.pixels = n * pixelsPerImage();
    this.tiles = (pixels + TILE_ROWS - 1) / TILE_ROWS;
    int blocks = blockStart.length - 1;
    int items = (groupBlocks > 0 ? (blocks + groupBlocks - 1) / groupBlocks : blocks) * tiles;
    this.pieces = pool.balancedPieces(items);
    pool.run(pieces, this);
    this.x = this.y = this.residual = null;
  }

  /** Piece p of the job: a run of pixel tiles, or of (filter block, pixel tile) pairs filter block first. */
  @Override
  public void run(int piece) {
    NhwcConvKernel kernel = Kernels.NHWC_CONV;
    int blocks = blockStart.length - 1;
    if (groupBlocks > 0) {
      int groups = (blocks + groupBlocks - 1) / groupBlocks, items = groups * tiles;
      int from = WorkerPool.splitStart(piece, pieces, items), to = WorkerPool.splitStart(piece + 1, pieces, items);
      for (int g = from / tiles; g < groups && g * tiles < to; g++) {
        int t0 = Math.max(from, g * tiles) - g * tiles, t1 = Math.min(to, (g + 1) * tiles) - g * tiles;
        kernel.tiles(this, t0 * TILE_ROWS, Math.min(pixels, t1 * TILE_ROWS), g * groupBlocks,
            Math.min(blocks, (g + 1) * groupBlocks), 0, k, true, true);
      }
      return;
    }
    int items = blocks * tiles;
    int from = WorkerPool.splitStart(piece, pieces, items), to = WorkerPool.splitStart(piece + 1, pieces, items);
    for (int b = from / tiles; b < blocks && b * tiles < to; b++) {
      int t0 = Math.max(from, b * tiles) - b * tiles, t1 = Math.min(to, (b + 1) * tiles) - b * tiles;
      int f0 = blockStart[b], width = blockStart[b + 1] - f0;
      int p0 = t0 * TILE_ROWS, p1 = Math.min(pixels, t1 * TILE_ROWS);
      int most = Math.max(width, BLOCK_FLOATS / width);  // k per block
      int nk = Math.max(1, (int) Math.round((double) k / most));
      for (int kb = 0; kb < nk; kb++) {
        kernel.tiles(this, p0, p1, b, b + 1, WorkerPool.splitStart(kb, nk, k), WorkerPool.splitStart(kb + 1, nk, k),
            kb == 0, kb == nk - 1);
      }
    }
  }
}
