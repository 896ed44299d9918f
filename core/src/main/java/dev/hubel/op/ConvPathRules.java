package dev.hubel.op;

import dev.hubel.kernel.ImplicitConv;

/**
 * Which way {@link Conv2d} computes a convolution, by shape: lowered (im2col + GEMM), implicit
 * GEMM ({@link dev.hubel.kernel.ImplicitConv}) or Winograd ({@link dev.hubel.kernel.Winograd3x3}).
 * Every bound here was set from a measurement, per layer or per bench row (BENCHMARKS.md,
 * 2026-11-25 evening); each says which.
 */
final class ConvPathRules {
  private ConvPathRules() {}

  /**
   * The system property {@code hubel.conv} ({@code lowered}, {@code implicit} or {@code winograd})
   * forces one path wherever the shape allows it at all, over the measured bounds below: to
   * compare the paths layer by layer ({@code ConvLayerSpeed}, test scope), or to rule one out
   * when hunting a bug, as {@code hubel.kernels=scalar} does for the kernels. Unset, the bounds
   * choose.
   */
  private static String forced() {
    String value = System.getProperty("hubel.conv", "");
    if (value.isEmpty() || value.equals("lowered") || value.equals("implicit") || value.equals("winograd")) return value;
    if (!value.equals(warned)) {
      warned = value;
      System.err.println("hubel: ignoring the system property hubel.conv=" + value
          + "; it may be lowered, implicit or winograd (unset, each layer's shape chooses)");
    }
    return "";
  }

  /**
   * The bad value last warned about. The property is read whenever a layer is compiled, not once,
   * so that a tool can compile one model under two settings and time them in one JVM, side by
   * side (ModelLayerSpeed, test scope).
   */
  private static volatile String warned = "";

  /**
   * Fewest filters per group for the implicit GEMM at depths from {@link #IMPLICIT_MIN_DEPTH}. Its
   * weight gradient is always summed transposed (k x filters), which wastes most of a register tile
   * below one vector of filters; yet at stride 1 with {@link #FEW_FILTERS} or fewer the lowering
   * costs more.
   */
  private static final int IMPLICIT_MIN_FILTERS = 16;
  /**
   * Most filters per group for the implicit GEMM. It was 128 after AlphaGo's 192 filters at 19x19
   * ran 0.9x on the first machine (Intel, 2026-11-25). On Zen 5 (2026-12-02), timed one thread a
   * core with the other variant on the other core at the same moment (ConvLayerSpeed -Dthreads=1,
   * which this host's noise requires), the implicit form won with more filters: ResNet-50's 512 at
   * 7x7 batch 8 1.06-1.29x forward and 1.21-1.33x training, its 256 at 14x14 1.12-1.32x and
   * 1.1-1.22x, AlphaGo's 192 at 19x19 batch 16 1.04-1.16x and 1.07-1.11x (over Winograd, which
   * it precedes); AlexNet's conv3 (256 into 384 at 13x13) lost 0.92-0.94x forward to Winograd and
   * came out even in training. Untried beyond 512.
   */
  private static final int IMPLICIT_MAX_FILTERS = 512;
  /**
   * Fewest rows of the lowering (C/G*Fh*Fw) for the implicit GEMM: a one-channel image's
   * lowering is cheap, and the implicit form lost there (fashion-cnn's first layer, 1x28x28
   * into 32, trained 0.6-0.9x); it won 1.1-2.1x on ResNet-20's layers and 1.1-1.2x on AlexNet's
   * 5x5 layer.
   */
  private static final int IMPLICIT_MIN_DEPTH = 32;
  /**
   * With this many filters a group or fewer, the lowering costs more than the product it feeds
   * (each lowered float serves that many multiply-adds), and the implicit GEMM won from a depth of
   * {@link #FEW_FILTERS_MIN_DEPTH} and with up to {@link #FEW_FILTERS_MAX_WASTE} extra grid columns
   * (ModelLayerSpeed, both variants in one JVM, 2026-12-04): ResNet-20's stem (3 channels into 16,
   * depth 27) 1.55-1.58x in training at 128 and 1.22x in inference; LeNet-5's C1 (1 into 6, 5x5,
   * depth 25) 1.25x training at 64 and 1.9-2.1x inference at 1 and 64, its C3 (6 into 16 on 14x14,
   * depth 150, 4 extra columns to 10) 1.43x and 1.9x. With 64 filters at depth 27 (VGG-16's first
   * layer) it lost (0.68-0.78x), with 32 at depth 9 (fashion-cnn's, above) too. Untried: depths
   * under 25, more waste, strided layers (which keep the bounds above).
   */
  private static final int FEW_FILTERS = 16, FEW_FILTERS_MIN_DEPTH = 25;
  private static final double FEW_FILTERS_MAX_WASTE = 0.4;
  /**
   * Most floats in one group's padded image for the implicit GEMM: VGG-16's largest, 64 channels
   * of 226x226, fit. The bound was 2^16 after larger images had measured slower than lowering
   * (ResNet-50's 56x56x64 at batch 1 0.9x, VGG-16 no better, 2026-11-25); on Zen 5 (2026-12-02),
   * with each layer warmed for five seconds and the variants timed side by side, one thread a
   * core, the implicit form won there too: 64 at 56x56 1.03-1.08x, VGG's 128 at 112x112
   * 1.09-1.23x and 256 at 56x56 1.04-1.27x (over Winograd), 96 at 28x28 into 128 1.01-1.1x. The
   * earlier losses, and one of 0.4x here after a one-second warm-up, were the JIT still compiling
   * the implicit path's kernels: a fresh JVM runs them slowly for several seconds.
   */
  private static final int IMPLICIT_MAX_IMAGE_FLOATS = 1 << 22;
  /** Most extra grid columns the implicit GEMM may compute, as a fraction of the kept ones (7x7 with pad 1: 2/7). */
  private static final double IMPLICIT_MAX_WASTE = 0.3;
  /**
   * Channels and filters per group for Winograd F(4x4, 3x3), from per-layer measurements on Zen 5
   * (2026-12-03, ConvLayerSpeed, one thread a core, Winograd and the implicit GEMM side by side,
   * then swapped; the table is in BENCHMARKS.md). With 64 and more it won wherever the batch had
   * tiles enough: AlphaGo's 192 at 19x19, batch 16, 1.7-1.8x forward and 1.5-1.6x training;
   * AlexNet's 13x13 layers at 16 1.5-2.2x forward, 1.7x training; ResNet-50's 3x3 layers at batch
   * 8 1.1-2.0x forward, 1.4-1.5x training; VGG-16's at batch 1 1.4-2.0x forward; ResNet-20's 64 at
   * 8x8 1.1-1.4x training. With 32 (ResNet-20's second stage) it was unsettled, with 16 it lost
   * 0.5-0.6x (a scratch harness): the transforms cost as much as the products they save. Untried
   * beyond 512.
   */
  private static final int WINOGRAD_MIN_CHANNELS = 64, WINOGRAD_MAX_CHANNELS = 512;
  /**
   * Fewest tiles in a batch for Winograd: each product has a column per tile, and with few it is
   * too narrow (ResNet-50's 512 at 7x7, 4 tiles at batch 1, ran 0.15-0.3x the implicit GEMM on 2
   * threads). Below 256 tiles the forward pass runs in phases (WinogradPass#forwardInPhases). The
   * bound was 16 after layers timed alone (ConvLayerSpeed, 2026-12-03) had Winograd ahead at 16
   * tiles; timed inside their models (ModelLayerSpeed, 2 threads, both paths in one JVM in
   * alternating rounds, 2026-12-03 evening, after k blocks of 128 had sped the implicit GEMM up),
   * the implicit GEMM won there: ResNet-50's 256 at 14x14 at batch 1 (16 tiles) by 1.12-1.16x,
   * AlexNet's 13x13 layers at batch 1 (16 tiles) by 1.0-1.22x; ResNet-50's 128 at 28x28 (49
   * tiles) ran 1.14x by Winograd, its 64 at 56x56 (196) 1.12x. Between 16 and 49 untried here.
   */
  private static final int WINOGRAD_MIN_TILES = 32;
  /**
   * Most weight pairs (channels x filters per group) per tile of the batch: the 36 transformed
   * weight blocks are streamed from memory once per chunk of tiles, and with few tiles that stream
   * costs more than the products it feeds (512 into 512 at 14x14, 16 tiles at batch 1, came out
   * even in a scratch harness and unsettled on 2 threads; at 28x28, 49 tiles, Winograd won 1.4x
   * one thread a core).
   */
  private static final int WINOGRAD_MAX_PAIRS_PER_TILE = 8192;

  /**
   * Whether a stride-1 convolution runs as an implicit GEMM: cg channels of h x w per group into
   * fg filters of fh x fw, padded (pad, padW), wo output columns.
   */
  static boolean implicit(int cg, int h, int w, int fg, int fh, int fw, int stride, int pad, int padW, int wo) {
    boolean possible = stride == 1 && pad <= fh - 1 && padW <= fw - 1;
    String forced = forced();
    if (!forced.isEmpty()) return possible && forced.equals("implicit");
    return possible && withinImplicitBounds(cg, h, w, fg, fh, fw, pad, padW, w + 2 * padW, wo, false);
  }

  /**
   * The measured bounds above, for a grid gridW columns wide (Wp at stride 1, ceil(Wp / s) over
   * phases) of which wo are kept.
   */
  private static boolean withinImplicitBounds(int cg, int h, int w, int fg, int fh, int fw, int pad, int padW,
                                              int gridW, int wo, boolean strided) {
    boolean few = !strided && fg <= FEW_FILTERS;  // measured at stride 1 only
    return cg * fh * fw >= (few ? FEW_FILTERS_MIN_DEPTH : IMPLICIT_MIN_DEPTH)
        && (few || fg >= IMPLICIT_MIN_FILTERS) && fg <= IMPLICIT_MAX_FILTERS
        && gridW - wo <= (few ? FEW_FILTERS_MAX_WASTE : IMPLICIT_MAX_WASTE) * wo
        && (long) cg * (h + 2 * pad) * (w + 2 * padW) <= IMPLICIT_MAX_IMAGE_FLOATS;
  }

  /**
   * Whether a strided convolution's forward pass runs as an implicit GEMM over phases of the
   * padded image ({@link dev.hubel.kernel.ImplicitConv#padPhases}); its dw reads those phases too
   * where Conv2d can ({@code phasedDw}), its dx is lowered.
   * Measured against the lowering on Zen 5 (2026-12-03, ModelLayerSpeed, both variants in one
   * JVM in alternating rounds, 2 threads; BENCHMARKS.md): ResNet-50's 7x7 conv1 1.35x at batch 1
   * and 1.6x at 8, its 3x3 stride-2 layers 1.4-1.6x at 1 and 1.04-1.15x at 8, AlexNet's 11x11
   * stride-4 conv1 1.27x at 1 and 1.6x at 16. The same bounds as the implicit GEMM at stride 1,
   * and no 1x1 layers: their lowering is the subsampled image itself, the phase that this path
   * would copy, and they came out even (0.92-1.10x).
   */
  static boolean phased(int cg, int h, int w, int fg, int fh, int fw, int stride, int pad, int padW, int wo) {
    boolean possible = stride > 1 && fh * fw > 1;
    String forced = forced();
    if (!forced.isEmpty()) return possible && forced.equals("implicit");
    return possible && withinImplicitBounds(cg, h, w, fg, fh, fw, pad, padW,
        ImplicitConv.phaseWidth(w + 2 * padW, stride), wo, true);
  }

  /** Whether a convolution may run by Winograd F(4x4, 3x3) (then also {@link #winogradPays}). */
  static boolean winograd(int cg, int fg, int fh, int fw, int stride, int pad, int padW) {
    boolean possible = fh == 3 && fw == 3 && stride == 1 && pad == padW && pad <= 2;
    String forced = forced();
    if (!forced.isEmpty()) return possible && forced.equals("winograd");
    return possible && cg >= WINOGRAD_MIN_CHANNELS && fg >= WINOGRAD_MIN_CHANNELS
        && cg <= WINOGRAD_MAX_CHANNELS && fg <= WINOGRAD_MAX_CHANNELS;
  }

  /** Whether hubel.conv forces Winograd now (read when a layer is compiled, not every pass). */
  static boolean winogradForced() {
    return forced().equals("winograd");
  }

  /**
   * Whether Winograd beats the other paths over this many 4x4 tiles in a batch, cg channels into
   * fg filters a group; always when forced ({@link #winogradForced} at compile time).
   */
  static boolean winogradPays(int tilesInBatch, int cg, int fg, boolean forced) {
    return forced
        || tilesInBatch >= WINOGRAD_MIN_TILES && (long) cg * fg <= (long) WINOGRAD_MAX_PAIRS_PER_TILE * tilesInBatch;
  }
}
