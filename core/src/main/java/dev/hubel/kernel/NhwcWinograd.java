package dev.hubel.kernel;

/**
 * A 3x3 convolution at stride 1 over channels-last activations ({@link Nhwc}) for inference, by
 * Winograd's F(4x4, 3x3) ({@link Winograd3x3} has the algebra): each 4x4 block of outputs (a
 * tile) from a 6x6 patch of input, 36 products per channel pair instead of 144. Then a bias,
 * optionally a residual added and a ReLU, as the output is written, like {@link NhwcConvolution},
 * whose job it can take for any layer that fits; made once per layer, run without allocating.
 *
 * <p>Channels last suits Winograd: a patch's transform is the same arithmetic for every channel,
 * so it runs along vectors of channels with no transposes, and the 36 products are each a
 * (tiles x C) . (C x F) product whose rows are contiguous channels, which is the direct
 * convolution's register tile with a 1x1 window ({@link VectorNhwcSums}). Per chunk of
 * {@link #CHUNK} tiles a piece transforms the tiles' patches into V (36 blocks of rows x C),
 * multiplies each block by its transformed weights U into M (36 blocks of rows x F), and
 * transforms M back into the tiles' outputs; V and M stay in the piece's scratch, near the core.
 * Where U is large ({@link #PHASED_WEIGHTS}) every chunk would read all of it again from memory;
 * such a layer goes phase by phase instead: every tile's V, then the 36 products position by
 * position (each block of U read once, for every tile), then every tile's outputs, V and M kept
 * whole in {@link WinogradBuffers} that the layers of a front share.
 *
 * <p>U is packed like {@link NhwcConvolution}'s weights, per position: block xi at
 * {@code xi * C * F}, in it filter blocks of two vectors (or one at the end), k by k (k = the
 * channel), the block's filters side by side. A batch norm folds into the weights before the
 * transform (the transform is linear).
 *
 * <p>Where a map is not a multiple of 4 the last tiles' outputs past it are computed and dropped,
 * and their patches read zero beyond the image whatever the input's border holds.
 */
public final class NhwcWinograd implements WorkerPool.Task {
  /**
   * Tiles per chunk: four register tiles, so that each block of U a chunk reads (C x 32 floats)
   * serves 28 tiles; with 7 the weights of a 256-channel layer came through once per 7 tiles.
   */
  static final int CHUNK = 4 * NhwcConvolution.TILE_ROWS;
  /**
   * Bytes of U above which a pass goes phase by phase rather than chunk by chunk: a chunk reads
   * all of U, and where U is far bigger than L2 (9.4 MB for 256 channels into 256) every chunk
   * read it again from memory. Measured with layers in turn, weights out of the caches
   * ({@code NhwcConvSpeed -Dwinograd=true}, the line moved by a temporary switch): phased,
   * 14x14x256 at batch 8 ran 1.06-1.4x faster and 7x7x512 1.2x; chunked, 28x28x128 (U 2.4 MB)
   * 1.3x faster.
   */
  static final long PHASED_WEIGHTS = 4 << 20;
  /**
   * Floats of V and M together that a phased pass holds at most: a larger batch goes through in
   * spans of tiles, each its three phases (U then read once per span). Without a bound, V and M
   * grow with the batch at 4.5 times the input's size each (36 positions per 16 outputs): 1.9 GB
   * apiece for VGG-16's 56x56x256 layers at batch 256.
   */
  static final int MOST_PHASED_FLOATS = 1 << 24;

  final Nhwc in, out;
  final int pad, channels, filters, tilesH, tilesW;
  final float[] packed, bias;
  final int[] blockStart;  // filter blocks: start of each, and filters at the end
  final int lanes;
  // what the pass in flight reads and writes (set by run)
  float[] x, y, residual;
  Nhwc residualLayout;
  boolean relu;
  private int tiles, chunks, parts, pieces;
  private final WorkerPool pool;
  // the phased way (large U): what each pool.run of the pass does, and V and M whole
  private final WinogradBuffers buffers;
  private final boolean phased;  // U past PHASED_WEIGHTS
  private Phase phase;
  private int rows, group, groups, spanStart, spanTiles;
  /** Tiles a phased pass takes at a time (a multiple of 7); tests set it lower to cut passes into spans. */
  int span;

  private enum Phase { CHUNKS, INPUTS, PRODUCTS, OUTPUTS }

  /**
   * @param weights (F, C, 3, 3), as Conv2d keeps them
   * @param bias per filter, or null for none
   * @param gamma with beta, mean and var, a batch norm to fold in, or all null
   * @param eps the norm's epsilon
   * @param buffers where a layer with large transformed weights keeps V and M between phases
   *     (shared by layers that run one after another)
   */
  public NhwcWinograd(Nhwc in, Nhwc out, int pad, float[] weights, float[] bias, float[] gamma, float[] beta,
                      float[] mean, float[] var, float eps, WorkerPool pool, WinogradBuffers buffers) {
    this.lanes = ChannelsLast.lanes();
    if (!fits(in.c(), out.c())) {
      throw new IllegalArgumentException("channels-last Winograd takes channels and filters in multiples of " + lanes
          + " on this CPU, received " + in.c() + " channels and " + out.c() + " filters");
    }
    if (out.h() != in.h() + 2 * pad - 2 || out.w() != in.w() + 2 * pad - 2) {
      throw new IllegalArgumentException("a 3x3 window at stride 1, pad " + pad + " over " + in.h() + "x" + in.w()
          + " gives " + (in.h() + 2 * pad - 2) + "x" + (in.w() + 2 * pad - 2) + ", not " + out.h() + "x" + out.w());
    }
    this.in = in;
    this.out = out;
    this.pad = pad;
    this.channels = in.c();
    this.filters = out.c();
    this.tilesH = Winograd3x3.tiles(out.h());
    this.tilesW = Winograd3x3.tiles(out.w());
    this.pool = pool;
    this.buffers = buffers;
    this.phased = (long) Winograd3x3.POSITIONS * channels * filters * Float.BYTES > PHASED_WEIGHTS;
    this.blockStart = NhwcConvolution.blockStarts(filters, lanes);
    float[] scale = new float[filters], scaled = new float[weights.length];
    this.bias = NhwcConvolution.foldNorm(filters, bias, gamma, beta, mean, var, eps, scale);
    for (int i = 0; i < weights.length; i++) scaled[i] = weights[i] * scale[i / (channels * 9)];
    this.packed = pack(scaled);
    int tileRows = NhwcConvolution.TILE_ROWS;
    this.span = Math.max(tileRows, MOST_PHASED_FLOATS / (Winograd3x3.POSITIONS * (channels + filters)) / tileRows * tileRows);
  }

  /** Whether a layer of {@code channels} into {@code filters} fits these kernels: both whole vectors. */
  public static boolean fits(int channels, int filters) {
    int lanes = ChannelsLast.lanes();
    return channels % lanes == 0 && filters % lanes == 0;
  }

  /** U = G g G^T (36 blocks of F x C), then each block into filter blocks [c][block's filters]. */
  private float[] pack(float[] w) {
    int block = filters * channels;
    float[] u = new float[Winograd3x3.POSITIONS * block], p = new float[u.length];
    Winograd3x3.transformWeights(w, 0, filters, channels, 0, filters, u, 0, new float[18]);
    for (int xi = 0; xi < Winograd3x3.POSITIONS; xi++) {
      for (int b = 0; b + 1 < blockStart.length; b++) {
        int f0 = blockStart[b], width = blockStart[b + 1] - f0, to = xi * block + f0 * channels;
        for (int c = 0; c < channels; c++) {
          for (int j = 0; j < width; j++) p[to + c * width + j] = u[xi * block + (f0 + j) * channels + c];
        }
      }
    }
    return p;
  }

  /**
   * y (laid out as out) = the convolution of x (laid out as in) over images 0..n-1, plus the
   * residual (laid out as {@code residualLayout}) when not null, then clamped at zero when relu.
   * The residual may be y itself (same layout): each output is written once, in the output
   * transform, just after its residual is read.
   */
  public void run(float[] x, float[] y, Nhwc residualLayout, float[] residual, boolean relu, int n) {
    this.x = x;
    this.y = y;
    this.residual = residual;
    this.residualLayout = residualLayout;
    this.relu = relu;
    this.tiles = n * tilesH * tilesW;
    if (phased) {
      runPhased();
    } else {
      this.chunks = (tiles + CHUNK - 1) / CHUNK;
      // too few chunks to go round the threads (a small map, one image): cut the filters too; each
      // part then transforms its chunk's input again, a small cost beside the products it saves
      int blocks = blockStart.length - 1, want = pool.threads() == 1 ? 1 : 2 * pool.threads();
      this.parts = chunks >= want ? 1 : Math.min(blocks, (want + chunks - 1) / chunks);
      this.pieces = chunks * parts;
      this.phase = Phase.CHUNKS;
      pool.run(pieces, this);
    }
    this.x = this.y = this.residual = null;
  }

  /**
   * The pass in three phases, span by span of the batch's tiles: every tile's V; then the
   * products, position by position, each reading its block of U once; then every tile's outputs.
   */
  private void runPhased() {
    int tileRows = NhwcConvolution.TILE_ROWS;
    // a group of tiles whose rows of one V block (about 256 KB) stay in L2 while every filter block goes over them
    this.group = Math.max(tileRows, (1 << 16) / channels / tileRows * tileRows);
    for (spanStart = 0; spanStart < tiles; spanStart += span) {
      this.spanTiles = Math.min(span, tiles - spanStart);
      this.rows = (spanTiles + tileRows - 1) / tileRows * tileRows;
      buffers.ensure(Winograd3x3.POSITIONS * rows * channels, Winograd3x3.POSITIONS * rows * filters);
      this.groups = (spanTiles + group - 1) / group;
      this.pieces = pool.balancedPieces(spanTiles);
      this.phase = Phase.INPUTS;
      pool.run(pieces, this);
      this.phase = Phase.PRODUCTS;
      pool.run(Winograd3x3.POSITIONS * groups, this);
      this.phase = Phase.OUTPUTS;
      pool.run(pieces, this);
    }
  }

  /**
   * Piece p. In chunks: chunk p / parts, its share p % parts of the filter blocks. Phased: a run
   * of the span's tiles (inputs, outputs), or position p / groups for tile group p % groups
   * (products).
   */
  @Override
  public void run(int piece) {
    NhwcWinogradKernel kernel = Kernels.NHWC_WINOGRAD;
    switch (phase) {
      case CHUNKS -> {
        int chunk = piece / parts, part = piece % parts, blocks = blockStart.length - 1;
        int t0 = chunk * CHUNK;
        kernel.chunk(this, t0, Math.min(CHUNK, tiles - t0), WorkerPool.splitStart(part, parts, blocks),
            WorkerPool.splitStart(part + 1, parts, blocks));
      }
      case INPUTS -> kernel.inputs(this, spanStart, WorkerPool.splitStart(piece, pieces, spanTiles),
          WorkerPool.splitStart(piece + 1, pieces, spanTiles), buffers.v, rows);
      case PRODUCTS -> {
        int j0 = piece % groups * group;
        kernel.products(this, piece / groups, j0, Math.min(spanTiles, j0 + group), buffers.v, buffers.m, rows);
      }
      case OUTPUTS -> kernel.outputs(this, spanStart, WorkerPool.splitStart(piece, pieces, spanTiles),
          WorkerPool.splitStart(piece + 1, pieces, spanTiles), buffers.m, rows);
    }
  }
}
