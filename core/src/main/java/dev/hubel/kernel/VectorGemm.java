package dev.hubel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast product on the Vector API, after Goto and van de Geijn's layered blocking.
 *
 * <p>Loop order, outermost first: columns of C in blocks of {@link #NC}; k in blocks of
 * {@link #KC} (packing that block of B); rows of C in blocks of {@link #MC} (that block of A,
 * about 100 KB, stays in L2); strips of {@link #NR} columns; tiles of {@link #MR} rows. The
 * innermost {@link #tile} keeps a 6 x 4-vector tile of C in 24 registers for the whole k block and
 * streams one strip of B (kept hot in L1 across all row tiles) and six rows of A through it:
 * 4 loads and 6 broadcasts feed 24 fmas. Each of the six rows of A is contiguous along k, in
 * place or packed, so the loop's every index has a constant step (see {@link #tile}).
 *
 * <p>A is read in place when it is not transposed (six streams along k, which the prefetcher
 * follows as well as one packed stream); only a transposed A, and the last rows short of a whole
 * tile, are packed. Packing A for every call had cost more than a tenth of the time: a
 * convolution multiplies the same weights once per image, and they were copied each time (an
 * interleaved A/B under load: VGG-16 inference at batch 1 1.4x faster, SGEMM 1024 1.25x).
 *
 * <p>B is packed only when transposed or when m is large: with few rows (most convolutions have
 * M = output channels <= 128) the copy costs more than it saves, so the kernel reads rows of B in
 * place. Columns left over after the last full strip go through a one-vector-wide tile, the last
 * partial vector from a zero-padded copy. Rows left over after the six-row tiles go four at a
 * time where they can (4 left, or 2 and the last six as two fours: {@link #rowsByFours}), read
 * in place; otherwise they are zero-padded in the A panel and simply not stored.
 *
 * <p>Vectors live only in locals: a FloatVector stored in a field or array is boxed.
 */
final class VectorGemm implements GemmKernel {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Rows of C per register tile. */
  static final int MR = 6;
  /** Columns of C per register tile: 4 vectors, so MR x 4 = 24 accumulators (of 32 registers). */
  static final int NR = 4 * L;
  /**
   * Depth of one k block: a strip of B, KC x NR floats, is 32 KB and stays in a Zen 5 core's 48 KB
   * L1 across the row tiles. At 256 (64 KB) a strip read in place, rows far apart, spilled to L2:
   * timed in one JVM in alternating rounds on one core (2026-12-03), 128 ran 64 x 3136 x 256
   * 3-4% faster, 128 x 784 x 512 6%, 126 x 3136 x 576 6%, and packed products (1024^3,
   * 2048 x 49 x 512) within 1%. The depth must not depend on m or n: a product cut into panels
   * among threads must round as the whole.
   */
  static final int KC = 128;
  /** Rows of A packed at a time (a multiple of MR). */
  static final int MC = 32 * MR;
  /** Columns of B packed at a time (a multiple of NR). */
  static final int NC = 2048 / NR * NR;
  /** From this many rows of C on, packing B pays for itself. */
  static final int PACK_B_MIN_M = 129;
  /**
   * Up to this many rows, A times B transposed with a deep B (a fully connected layer at batch
   * 5..16) is done as the swapped product (see {@link #swapped}), which reads B in place, where
   * the tiled path would first copy all of B into a packed panel; up to 4 rows, at any depth, as
   * dot products of rows ({@link #dotRows}), each row of B read once straight from memory.
   */
  static final int DOT_MAX_M = 16;
  /**
   * From 5 rows on, the swapped product only for deep ones, where B is large and packing it costs
   * most (and the shape alone decides, so that a product split over threads takes the same path
   * in every piece).
   */
  static final int DOT_MIN_K = 1024;

  @Override
  public int vectorBits() {
    return S.vectorBitSize();
  }

  @Override
  public void multiply(boolean transA, boolean transB, int m, int n, int k,
                       float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
    if (transB && !transA && m <= 4) {
      dotRows(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, PackedPanels.forThisThread().tile(MR * NR));
      return;
    }
    if (transB && !transA && m <= DOT_MAX_M && k >= DOT_MIN_K) {
      swapped(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
      return;
    }
    blocked(transA, transB, m, n, k, a, aOff, lda, null, 0, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate, null);
  }

  @Override
  public void multiply(boolean transA, boolean transB, int m, int n, int k,
                       float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
    if (transB && !transA && (m <= 4 || m <= DOT_MAX_M && k >= DOT_MIN_K)) {
      // the dot-product paths write C entry by entry; these products are not a convolution's
      multiply(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
      epilogue.applyTo(c, cOff, ldc, m, n);
      return;
    }
    blocked(transA, transB, m, n, k, a, aOff, lda, null, 0, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate, epilogue);
  }

  /**
   * A times B transposed for a few rows of A and a deep, wide B (a fully connected layer at
   * batch 5..16), computed as C^T = B . A^T: six rows of B at a time, each read in place along
   * the whole depth (long runs the prefetcher follows), against A^T packed once (k x one or two
   * vectors, zero-padded), into a one- or two-vector tile, which is written into C transposed.
   * Each entry is one fma chain over k, whichever thread computes it. As dot products of rows
   * (four rows of A against each row of B) AlexNet's FC6 at batch 16 (16 x 4096 x 9216) ran at
   * 36 GFLOP/s on one Zen 5 core; through the blocked product, swapped, with 1 KB runs of B per
   * k block, 53; the blocked product as it stands packs a transposed B with strided writes (28).
   */
  private static void swapped(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
    PackedPanels panels = PackedPanels.forThisThread();
    int width = (m + L - 1) / L * L;  // one vector, or two where vectors are narrow (m <= 16 <= 2L)
    float[] at = panels.transposed(k * width), out = panels.tile(MR * NR);
    for (int p = 0; p < k; p++) {
      int row = p * width;
      for (int i = 0; i < m; i++) at[row + i] = a[aOff + i * lda + p];
      for (int i = m; i < width; i++) at[row + i] = 0f;
    }
    for (int r = 0; r < n; r += MR) {
      int rows = Math.min(MR, n - r), last = rows - 1;
      // rows past n repeat the last one (read, never stored), so every row is a real row of B
      int b0 = bOff + r * ldb, b1 = b0 + Math.min(1, last) * ldb, b2 = b0 + Math.min(2, last) * ldb;
      int b3 = b0 + Math.min(3, last) * ldb, b4 = b0 + Math.min(4, last) * ldb, b5 = b0 + Math.min(5, last) * ldb;
      if (width == L) {
        tileOneVector(b, b0, b1, b2, b3, b4, b5, at, 0, width, k, out);
      } else {
        tileTwoVectors(b, b0, b1, b2, b3, b4, b5, at, 0, width, k, out);
      }
      for (int q = 0; q < rows; q++) {
        for (int i = 0; i < m; i++) {
          int to = cOff + i * ldc + r + q;
          c[to] = accumulate ? c[to] + out[q * NR + i] : out[q * NR + i];
        }
      }
    }
  }

  @Override
  public void multiplyGatherB(int m, int n, int k, float[] a, int aOff, int lda,
                              float[] b, int[] bRows, int bRowsOff,
                              float[] c, int cOff, int ldc, boolean accumulate) {
    blocked(false, false, m, n, k, a, aOff, lda, null, 0, b, 0, 0, bRows, bRowsOff, c, cOff, ldc, accumulate, null);
  }

  @Override
  public void multiplyGatherA(int m, int n, int k, float[] a, int[] aRows, int aRowsOff,
                              float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
    if (dotTiled(n, k)) {
      dotTiles(m, n, k, a, aRows, aRowsOff, b, bOff, ldb, c, cOff, ldc, accumulate, PackedPanels.forThisThread().tile(MR * NR));
      return;
    }
    blocked(false, true, m, n, k, a, 0, 0, aRows, aRowsOff, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate, null);
  }

  /**
   * The blocked product. A row of A is {@code a[aOff + i*lda ..]}, or {@code a[aRows[aRowsOff + i] ..]}
   * when aRows is given; likewise a row of (untransposed) B with bRows. The epilogue, if any,
   * finishes each tile of C as the last k block stores it.
   */
  private static void blocked(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, int[] aRows, int aRowsOff,
                              float[] b, int bOff, int ldb, int[] bRows, int bRowsOff,
                              float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
    PackedPanels panels = PackedPanels.forThisThread();
    boolean packB = transB || m >= PACK_B_MIN_M;
    for (int jc = 0; jc < n; jc += NC) {
      int nb = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kb = Math.min(KC, k - pc);
        boolean overwrite = pc == 0 && !accumulate;
        Epilogue finish = pc + kb == k ? epilogue : null;
        float[] bSource = b;
        int bBase = bOff + pc * ldb + jc;
        int bStride = ldb;
        int bStripStep = NR;
        int[] gather = bRows;
        if (packB) {
          bSource = panels.bPanel(roundUp(nb, NR) * kb);
          PackedPanels.packB(transB, b, bOff, ldb, bRows, bRowsOff, pc, jc, kb, nb, NR, bSource);
          bBase = 0;
          bStride = NR;
          bStripStep = kb * NR;
          gather = null;
        } else if (bRows != null) {
          bBase = jc;
        }
        int gatherOff = bRowsOff + pc;
        // The columns after the last full strip go through one tile as many vectors wide as they
        // need (ceil(width / L)), so that a narrow product keeps most of the full tile's speed: a
        // 7x7 map (49 columns) had run as four one-vector tiles, six accumulators each, at about a
        // third of it. A packed strip is read where it is (its lanes past the width are not stored);
        // in place, whole vectors are read in place and anything else is copied, once per k block
        // for all row blocks, into a zero-padded strip (masked vector loads and stores are not
        // compiled to plain instructions everywhere), as is a gathered B.
        int width = nb % NR, edgeFrom = bBase + nb / NR * bStripStep, edgeStride = bStride;
        float[] edge = bSource;
        if (width > 0 && (gather != null || (!packB && width % L != 0))) {
          edgeStride = (width + L - 1) / L * L;
          edge = panels.edgeStrip(kb * edgeStride);
          for (int p = 0; p < kb; p++) {
            int src = gather != null ? gather[gatherOff + p] + edgeFrom : edgeFrom + p * bStride;
            System.arraycopy(bSource, src, edge, p * edgeStride, width);
            java.util.Arrays.fill(edge, p * edgeStride + width, (p + 1) * edgeStride, 0f);
          }
          edgeFrom = 0;
        }
        for (int ic = 0; ic < m; ic += MC) {
          int mb = Math.min(MC, m - ic);
          int fours = transA ? 0 : rowsByFours(mb);
          int inPlace = transA ? 0 : fours > 0 ? mb - fours : mb - mb % MR;
          if (inPlace + fours > 0) {
            // A's rows are read where they are (6 streams along k), as packing them cost as much as
            // a tenth of a convolution's time: a layer's weights were copied again for every image
            multiplyBlock(a, aOff + ic * lda + pc, lda, MR * lda, aRows, aRowsOff + ic, pc, inPlace, fours, kb,
                bSource, bBase, bStride, bStripStep, gather, gatherOff, edge, edgeFrom, edgeStride, nb,
                c, cOff + ic * ldc + jc, ldc, overwrite, finish, ic, panels.tile(MR * NR));
          }
          if (inPlace + fours < mb) {
            int rows = mb - inPlace;
            float[] aPanel = panels.aPanel(roundUp(rows, MR) * kb);
            PackedPanels.packA(transA, a, aOff, lda, aRows, aRowsOff, ic + inPlace, pc, rows, kb, MR, aPanel);
            multiplyBlock(aPanel, 0, kb, MR * kb, null, 0, 0, rows, 0, kb, bSource, bBase, bStride, bStripStep,
                gather, gatherOff, edge, edgeFrom, edgeStride, nb, c, cOff + (ic + inPlace) * ldc + jc, ldc, overwrite,
                finish, ic + inPlace, panels.tile(MR * NR));
          }
        }
      }
    }
  }

  /**
   * Rows of a block of A to multiply four at a time ({@link #tileFourRows}) after its six-row
   * tiles, read in place: the 4 left over after the sixes, or 8 where 2 are (the last six and
   * those two). The block's row count is a power of two, or three times one, in most networks
   * (16, 32, 64 filters), and the left-over rows had gone through a whole six-row tile of packed,
   * zero-padded A: for 16 rows, 18 rows' work. Otherwise 0: they are packed as before.
   */
  private static int rowsByFours(int mb) {
    int left = mb % MR;
    return left == 4 ? 4 : left == 2 && mb >= 8 ? 8 : 0;
  }

  /**
   * One block of A (mb + fours rows x kb) times one block of B (kb x nb) into C: rows 0..mb in
   * six-row tiles, then {@code fours} rows (0, 4 or 8, read in place) in four-row ones, strip by
   * strip, so that each strip of B serves both from L1. Element (i, p) of the A block
   * is {@code aSrc[aBase + (i / MR) * aGroup + (i % MR) * aRow + p]}: packed, aRow = kb; in
   * place, aRow = lda (then mb is a multiple of MR); gathered
   * (aRows given), {@code aSrc[aRows[aRowsOff + i] + aCol + p]}. Strip s of B starts at
   * {@code bBase + s*bStripStep} and its rows are {@code bStride} apart; gathered (bRows given),
   * row p of the block is {@code bSource[bRows[bRowsOff + p] + bBase ..]} and strips are NR apart.
   * The columns after the last full strip are read from {@code edge}, rows {@code edgeStride}
   * apart from {@code edgeFrom}: B itself, or the zero-padded copy {@link #blocked} made. Row 0
   * of the block is row {@code row0} of the whole C, for the epilogue (null: none).
   */
  private static void multiplyBlock(float[] aSrc, int aBase, int aRow, int aGroup,
                                    int[] aRows, int aRowsOff, int aCol, int mb, int fours, int kb,
                                    float[] bSource, int bBase, int bStride, int bStripStep,
                                    int[] bRows, int bRowsOff, float[] edge, int edgeFrom, int edgeStride, int nb,
                                    float[] c, int cBase, int ldc, boolean overwrite, Epilogue finish, int row0,
                                    float[] scratch) {
    int fullStrips = nb / NR;
    for (int s = 0; s < fullStrips; s++) {
      int bStrip = bBase + s * bStripStep;
      for (int r = 0; r < mb; r += MR) {
        int a0, a1, a2, a3, a4, a5;
        if (aRows != null) {
          int at = aRowsOff + r;
          a0 = aRows[at] + aCol; a1 = aRows[at + 1] + aCol; a2 = aRows[at + 2] + aCol;
          a3 = aRows[at + 3] + aCol; a4 = aRows[at + 4] + aCol; a5 = aRows[at + 5] + aCol;
        } else {
          a0 = aBase + r / MR * aGroup; a1 = a0 + aRow; a2 = a1 + aRow; a3 = a2 + aRow; a4 = a3 + aRow; a5 = a4 + aRow;
        }
        // no epilogue and a whole tile: the accumulators go straight into C; else by the scratch tile
        boolean direct = finish == null && r + MR <= mb;
        float[] dst = direct ? c : scratch;
        int at = direct ? cBase + r * ldc + s * NR : 0, ld = direct ? ldc : NR;
        if (bRows != null) {
          tileGathered(aSrc, a0, a1, a2, a3, a4, a5, bSource, bRows, bRowsOff, bStrip, kb, dst, at, ld, !direct || overwrite);
        } else {
          tile(aSrc, a0, a1, a2, a3, a4, a5, bSource, bStrip, bStride, kb, dst, at, ld, !direct || overwrite);
        }
        if (!direct) store(scratch, c, cBase + r * ldc + s * NR, ldc, Math.min(MR, mb - r), NR, overwrite, finish, row0 + r);
      }
      for (int r = mb; r < mb + fours; r += 4) {
        int a0, a1, a2, a3;
        if (aRows != null) {
          int at = aRowsOff + r;
          a0 = aRows[at] + aCol; a1 = aRows[at + 1] + aCol; a2 = aRows[at + 2] + aCol; a3 = aRows[at + 3] + aCol;
        } else {
          a0 = aBase + r * aRow; a1 = a0 + aRow; a2 = a1 + aRow; a3 = a2 + aRow;
        }
        if (bRows != null) {
          tileFourRowsGathered(aSrc, a0, a1, a2, a3, bSource, bRows, bRowsOff, bStrip, kb, scratch);
        } else {
          tileFourRows(aSrc, a0, a1, a2, a3, bSource, bStrip, bStride, kb, scratch);
        }
        store(scratch, c, cBase + r * ldc + s * NR, ldc, 4, NR, overwrite, finish, row0 + r);
      }
    }
    int width = nb - fullStrips * NR;
    if (width == 0) return;
    edgeColumns(aSrc, aBase, aRow, aGroup, aRows, aRowsOff, aCol, mb, fours, kb, edge, edgeFrom, edgeStride,
        width, c, cBase + fullStrips * NR, ldc, overwrite, finish, row0, scratch);
  }

  /**
   * The columns after the last full strip, {@code width} of them, for the rows of
   * {@link #multiplyBlock}: one tile as many vectors wide as they need. The four-row groups go
   * through the same six-row tiles, their last row read three times (and stored once).
   */
  private static void edgeColumns(float[] aSrc, int aBase, int aRow, int aGroup, int[] aRows, int aRowsOff, int aCol,
                                  int mb, int fours, int kb, float[] edge, int edgeFrom, int edgeStride, int width,
                                  float[] c, int cFrom, int ldc, boolean overwrite, Epilogue finish, int row0,
                                  float[] scratch) {
    int vectors = (width + L - 1) / L, from = edgeFrom;
    for (int r = 0; r < mb + fours; r += r < mb ? MR : 4) {
      int rows = r < mb ? Math.min(MR, mb - r) : 4;
      int a0, a1, a2, a3, a4, a5;
      if (aRows != null) {
        int at = aRowsOff + r;
        a0 = aRows[at] + aCol; a1 = aRows[at + 1] + aCol; a2 = aRows[at + 2] + aCol; a3 = aRows[at + 3] + aCol;
        a4 = r < mb ? aRows[at + 4] + aCol : a3;
        a5 = r < mb ? aRows[at + 5] + aCol : a3;
      } else if (r < mb) {
        a0 = aBase + r / MR * aGroup; a1 = a0 + aRow; a2 = a1 + aRow; a3 = a2 + aRow; a4 = a3 + aRow; a5 = a4 + aRow;
      } else {
        a0 = aBase + r * aRow; a1 = a0 + aRow; a2 = a1 + aRow; a3 = a2 + aRow; a4 = a3; a5 = a3;
      }
      switch (vectors) {
        case 4 -> tile(aSrc, a0, a1, a2, a3, a4, a5, edge, from, edgeStride, kb, scratch, 0, NR, true);
        case 3 -> tileThreeVectors(aSrc, a0, a1, a2, a3, a4, a5, edge, from, edgeStride, kb, scratch);
        case 2 -> tileTwoVectors(aSrc, a0, a1, a2, a3, a4, a5, edge, from, edgeStride, kb, scratch);
        default -> tileOneVector(aSrc, a0, a1, a2, a3, a4, a5, edge, from, edgeStride, kb, scratch);
      }
      store(scratch, c, cFrom + r * ldc, ldc, rows, width, overwrite, finish, row0 + r);
    }
  }

  /**
   * out[MR x L] = A strip (MR x kb) * B strip (kb x L): the edge of {@link #tile}, one
   * vector wide, with the same order of operations per element (so edges round as the middle).
   * Row r of the A strip at step p is {@code a[a_r + p]}. Rows of out are NR apart, as
   * {@link #storeTile} reads them.
   */
  private static void tileOneVector(float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                    float[] bSource, int bBase, int bStride, int kb, float[] out) {
    FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    for (int p = 0; p < kb; p++) {
      int bi = bBase + p * bStride;
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      c0 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[a1 + p]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[a2 + p]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[a3 + p]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, a[a4 + p]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, a[a5 + p]).fma(b0, c5);
    }
    c0.intoArray(out, 0);
    c1.intoArray(out, NR);
    c2.intoArray(out, 2 * NR);
    c3.intoArray(out, 3 * NR);
    c4.intoArray(out, 4 * NR);
    c5.intoArray(out, 5 * NR);
  }

  /** {@link #tileOneVector} three vectors wide: 18 accumulators, for the edge of a product. */
  private static void tileThreeVectors(float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                       float[] bSource, int bBase, int bStride, int kb, float[] out) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00;
    FloatVector c40 = c00, c41 = c00, c42 = c00;
    FloatVector c50 = c00, c51 = c00, c52 = c00;
    for (int p = 0; p < kb; p++) {
      int bi = bBase + p * bStride;
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      FloatVector b1 = FloatVector.fromArray(S, bSource, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bSource, bi + 2 * L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02);
      av = FloatVector.broadcast(S, a[a1 + p]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12);
      av = FloatVector.broadcast(S, a[a2 + p]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22);
      av = FloatVector.broadcast(S, a[a3 + p]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32);
      av = FloatVector.broadcast(S, a[a4 + p]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42);
      av = FloatVector.broadcast(S, a[a5 + p]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52);
    }
    c00.intoArray(out, 0); c01.intoArray(out, L); c02.intoArray(out, 2 * L);
    c10.intoArray(out, NR); c11.intoArray(out, NR + L); c12.intoArray(out, NR + 2 * L);
    c20.intoArray(out, 2 * NR); c21.intoArray(out, 2 * NR + L); c22.intoArray(out, 2 * NR + 2 * L);
    c30.intoArray(out, 3 * NR); c31.intoArray(out, 3 * NR + L); c32.intoArray(out, 3 * NR + 2 * L);
    c40.intoArray(out, 4 * NR); c41.intoArray(out, 4 * NR + L); c42.intoArray(out, 4 * NR + 2 * L);
    c50.intoArray(out, 5 * NR); c51.intoArray(out, 5 * NR + L); c52.intoArray(out, 5 * NR + 2 * L);
  }

  /** {@link #tileOneVector} two vectors wide: 12 accumulators, for the edge of a product. */
  private static void tileTwoVectors(float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                     float[] bSource, int bBase, int bStride, int kb, float[] out) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00;
    FloatVector c50 = c00, c51 = c00;
    for (int p = 0; p < kb; p++) {
      int bi = bBase + p * bStride;
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      FloatVector b1 = FloatVector.fromArray(S, bSource, bi + L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, a[a1 + p]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, a[a2 + p]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, a[a3 + p]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, a[a4 + p]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[a5 + p]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
    }
    c00.intoArray(out, 0); c01.intoArray(out, L);
    c10.intoArray(out, NR); c11.intoArray(out, NR + L);
    c20.intoArray(out, 2 * NR); c21.intoArray(out, 2 * NR + L);
    c30.intoArray(out, 3 * NR); c31.intoArray(out, 3 * NR + L);
    c40.intoArray(out, 4 * NR); c41.intoArray(out, 4 * NR + L);
    c50.intoArray(out, 5 * NR); c51.intoArray(out, 5 * NR + L);
  }

  /**
   * Which products A . B^T go through {@link #dotTiles}: up to {@link #DOT_TILE_NARROW} columns
   * from a depth of {@link #DOT_TILE_MIN_K}, or up to {@link #DOT_TILE_MAX_N} from
   * {@link #DOT_TILE_DEEP}. A product that narrow (a convolution's dw summed transposed, with few
   * filters) fills only one vector of a register tile, whose rows then cost a broadcast each for
   * one fma; broadcasts, not fmas, set the pace there (one Zen 5 core, every operand in L1, a
   * scratch harness, 2026-12-04: the 6-row tile one vector wide ran at 126 GFLOP/s, two vectors
   * wide at 146, four at 220). Timed as the weight gradients of implicit convolutions (a scratch
   * harness, both kernels in one JVM in alternating rounds), dot tiles against the blocked
   * product: 8 columns at depth 1088 4.1x, 24 at 4224 1.6x, 16 at 1088 1.1x; but 16 at depth 288
   * 0.89x, 32 at 1088 0.92x and at 288 0.72x. Inside models (ModelLayerSpeed -Dtrain=true):
   * LeNet-5's C1 (6 filters) 1.9x, ResNet-20's stem (16 filters, 27 rows) 1.23x, its other
   * 16-filter layers even; LeNet-5's C3 (16 filters, depth 140) lost 0.71x, hence the bounds.
   * Only the gathered product takes this path (a stride-1 convolution's dw, whose columns are
   * the group's filters, all of them, cut among threads by rows only), and its shape alone decides
   * (not m, which a thread's row panel changes). A caller that cuts C's columns would change an
   * entry's rounding with the cut: LeNet-5's C5, run as a dense layer, cuts its images so.
   */
  static final int DOT_TILE_NARROW = 8, DOT_TILE_MIN_K = 128, DOT_TILE_MAX_N = 16, DOT_TILE_DEEP = 1024;

  /** Whether a gathered A times B transposed, n columns deep k, goes through {@link #dotTiles}: 16-lane vectors only. */
  private static boolean dotTiled(int n, int k) {
    return L == 16 && (n <= DOT_TILE_NARROW && k >= DOT_TILE_MIN_K || n <= DOT_TILE_MAX_N && k >= DOT_TILE_DEEP);
  }

  /**
   * C (+)= A . B^T where both are read along k, rows contiguous: row i of A at
   * {@code a[aRows[aRowsOff + i]]}, row j of B at {@code b[bOff + j*ldb]}. Vectors run along k, so
   * no operand is broadcast or packed: a tile of 4 rows of A by 4 rows of B keeps 16 vector sums,
   * 8 loads feeding 16 fmas. The 16 sums are then added across their lanes at once, and each
   * entry's tail past the last whole vector after that, in order: every entry rounds the same
   * whichever tile, thread or warm-up computes it. Rows and columns past the last whole tile
   * repeat the last one (computed, not stored).
   */
  private static void dotTiles(int m, int n, int k, float[] a, int[] aRows, int aRowsOff,
                               float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
                               float[] sums) {
    int whole = k - k % L;
    for (int i = 0; i < m; i += 4) {
      int rows = Math.min(4, m - i), first = aRowsOff + i, last = first + rows - 1;
      int a0 = aRows[first], a1 = aRows[Math.min(first + 1, last)], a2 = aRows[Math.min(first + 2, last)];
      int a3 = aRows[Math.min(first + 3, last)];
      for (int j = 0; j < n; j += 4) {
        int cols = Math.min(4, n - j), lastCol = j + cols - 1;
        int b0 = bOff + j * ldb, b1 = bOff + Math.min(j + 1, lastCol) * ldb;
        int b2 = bOff + Math.min(j + 2, lastCol) * ldb, b3 = bOff + Math.min(j + 3, lastCol) * ldb;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int p = 0; p < whole; p += L) {
          FloatVector v0 = FloatVector.fromArray(S, b, b0 + p), v1 = FloatVector.fromArray(S, b, b1 + p);
          FloatVector v2 = FloatVector.fromArray(S, b, b2 + p), v3 = FloatVector.fromArray(S, b, b3 + p);
          FloatVector u = FloatVector.fromArray(S, a, a0 + p);
          s00 = u.fma(v0, s00); s01 = u.fma(v1, s01); s02 = u.fma(v2, s02); s03 = u.fma(v3, s03);
          u = FloatVector.fromArray(S, a, a1 + p);
          s10 = u.fma(v0, s10); s11 = u.fma(v1, s11); s12 = u.fma(v2, s12); s13 = u.fma(v3, s13);
          u = FloatVector.fromArray(S, a, a2 + p);
          s20 = u.fma(v0, s20); s21 = u.fma(v1, s21); s22 = u.fma(v2, s22); s23 = u.fma(v3, s23);
          u = FloatVector.fromArray(S, a, a3 + p);
          s30 = u.fma(v0, s30); s31 = u.fma(v1, s31); s32 = u.fma(v2, s32); s33 = u.fma(v3, s33);
        }
        // sums[r * 4 + q]: row r of the tile times column q, its lanes added in four rounds of
        // pairs, two vectors becoming one that holds both's sums of neighbouring lanes (two
        // permutes and an add; 45 operations where one vector at a time took 16 scalar adds each).
        // Every sum is taken in the same tree (neighbours, then pairs of them, ...), so its rounding
        // does not depend on its place in the tile. Inline: vectors handed to a helper C2 does not
        // inline are boxed (7 GFLOP/s).
        FloatVector lo = FloatVector.fromArray(S, PAIR_LOW[0], 0), hi = FloatVector.fromArray(S, PAIR_HIGH[0], 0);
        FloatVector t0 = lo.selectFrom(s00, s01).add(hi.selectFrom(s00, s01));
        FloatVector t1 = lo.selectFrom(s02, s03).add(hi.selectFrom(s02, s03));
        FloatVector t2 = lo.selectFrom(s10, s11).add(hi.selectFrom(s10, s11));
        FloatVector t3 = lo.selectFrom(s12, s13).add(hi.selectFrom(s12, s13));
        FloatVector t4 = lo.selectFrom(s20, s21).add(hi.selectFrom(s20, s21));
        FloatVector t5 = lo.selectFrom(s22, s23).add(hi.selectFrom(s22, s23));
        FloatVector t6 = lo.selectFrom(s30, s31).add(hi.selectFrom(s30, s31));
        FloatVector t7 = lo.selectFrom(s32, s33).add(hi.selectFrom(s32, s33));
        lo = FloatVector.fromArray(S, PAIR_LOW[1], 0);
        hi = FloatVector.fromArray(S, PAIR_HIGH[1], 0);
        t0 = lo.selectFrom(t0, t1).add(hi.selectFrom(t0, t1));
        t1 = lo.selectFrom(t2, t3).add(hi.selectFrom(t2, t3));
        t2 = lo.selectFrom(t4, t5).add(hi.selectFrom(t4, t5));
        t3 = lo.selectFrom(t6, t7).add(hi.selectFrom(t6, t7));
        lo = FloatVector.fromArray(S, PAIR_LOW[2], 0);
        hi = FloatVector.fromArray(S, PAIR_HIGH[2], 0);
        t0 = lo.selectFrom(t0, t1).add(hi.selectFrom(t0, t1));
        t1 = lo.selectFrom(t2, t3).add(hi.selectFrom(t2, t3));
        lo = FloatVector.fromArray(S, PAIR_LOW[3], 0);
        hi = FloatVector.fromArray(S, PAIR_HIGH[3], 0);
        lo.selectFrom(t0, t1).add(hi.selectFrom(t0, t1)).intoArray(sums, 0);
        for (int r = 0; r < rows; r++) {
          int aRow = aRows[first + r];
          for (int q = 0; q < cols; q++) {
            int bRow = bOff + (j + q) * ldb;
            float sum = sums[r * 4 + q];
            for (int p = whole; p < k; p++) sum += a[aRow + p] * b[bRow + p];
            int at = cOff + (i + r) * ldc + j + q;
            c[at] = accumulate ? c[at] + sum : sum;
          }
        }
      }
    }
  }

  /**
   * Per round k of {@link #dotTiles}' lane sums, the lanes of (x, y) that the two addends take: lane j of the
   * result holds x's sum over the block of 2^(k+1) lanes around j when bit k of j is 0, y's when it
   * is 1 (lanes 0..15 index x, 16..31 y).
   */
  private static final float[][] PAIR_LOW = new float[4][16], PAIR_HIGH = new float[4][16];

  static {
    for (int k = 0; k < 4; k++) {
      for (int j = 0; j < 16; j++) {
        boolean bit = (j >> k & 1) != 0;
        PAIR_LOW[k][j] = bit ? 16 + j - (1 << k) : j;
        PAIR_HIGH[k][j] = bit ? 16 + j : j + (1 << k);
      }
    }
  }


  /**
   * Depth of one chunk of {@link #dotRows}: up to 4 rows of A by 512 floats stay in L1 while every
   * row of B passes by. On one Zen 5 core, 4x4096x9216 ran in 10.3 ms chunked against 16.6 in one
   * pass (the four rows of A streamed from L2 for each row of B); at 16 rows chunking lost (48 ms
   * against 33), which is why those go through {@link #swapped}.
   */
  static final int DOT_KC = 512;

  /**
   * C[i, j] (+)= row i of A . row j of B, for m <= {@link #DOT_MAX_M}; each row of B is read
   * once from memory for all rows of A, a chunk of {@link #DOT_KC} at a time. The lanes of each
   * chunk's dot are summed in a fixed scalar order (not reduceLanes, whose order may differ
   * between the interpreter and compiled code), and the chunks in order, so the result never
   * depends on warm-up or on which columns a thread was given.
   */
  private static void dotRows(int m, int n, int k, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                              boolean accumulate, float[] lanes) {
    if (m == 1) {
      // One row of A stays in cache whole, so rows of B are read in runs start to end, four at a
      // time (four streams in flight, one load of A for four fmas), which the prefetcher follows:
      // chunk by chunk, B came in runs of 2 KB a row apart. At batch 1 (ModelLayerSpeed, 2
      // threads, 2026-12-04) AlexNet's FC layers ran about 1.05x faster by whole rows, 1.12x more
      // four at a time; VGG-16's (25088 into 4096 first) 1.2x and 1.2x more. Each entry is summed
      // as dotChunk sums it, so the bits are those of a row of A among others.
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        for (int p0 = 0; p0 < k; p0 += DOT_KC) dotChunkFourRowsOfB(j, p0, k, a, aOff, b, bOff, ldb, c, cOff, accumulate, lanes);
      }
      for (; j < n; j++) {
        for (int p0 = 0; p0 < k; p0 += DOT_KC) {
          dotChunk(m, j, p0, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, lanes);
        }
      }
      return;
    }
    for (int p0 = 0; p0 < k; p0 += DOT_KC) {
      for (int j = 0; j < n; j++) {
        dotChunk(m, j, p0, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, lanes);
      }
    }
  }

  /** Chunk p0 of {@link #dotRows}' entries j..j+3 of C's one row (A one row from aOff), as {@link #dotChunk} sums each. */
  private static void dotChunkFourRowsOfB(int j, int p0, int k, float[] a, int aOff,
                                          float[] b, int bOff, int ldb, float[] c, int cOff,
                                          boolean accumulate, float[] lanes) {
    int kc = Math.min(DOT_KC, k - p0);
    boolean add = accumulate || p0 > 0;
    int whole = p0 + kc - kc % L, end = p0 + kc;
    int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    for (int p = p0; p < whole; p += L) {
      FloatVector av = FloatVector.fromArray(S, a, aOff + p);
      s0 = av.fma(FloatVector.fromArray(S, b, b0 + p), s0);
      s1 = av.fma(FloatVector.fromArray(S, b, b1 + p), s1);
      s2 = av.fma(FloatVector.fromArray(S, b, b2 + p), s2);
      s3 = av.fma(FloatVector.fromArray(S, b, b3 + p), s3);
    }
    s0.intoArray(lanes, 0);
    s1.intoArray(lanes, L);
    s2.intoArray(lanes, 2 * L);
    s3.intoArray(lanes, 3 * L);
    for (int q = 0; q < 4; q++) {
      int bRow = b0 + q * ldb;
      float sum = 0f;
      for (int l = 0; l < L; l++) sum += lanes[q * L + l];
      for (int p = whole; p < end; p++) sum += a[aOff + p] * b[bRow + p];
      int at = cOff + j + q;
      c[at] = add ? c[at] + sum : sum;
    }
  }

  /** Chunk p0 of {@link #dotRows}' entries in column j: C[i, j] = (C[i, j] +) row i of A . row j of B over the chunk. */
  private static void dotChunk(int m, int j, int p0, int k, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                               boolean accumulate, float[] lanes) {
    int kc = Math.min(DOT_KC, k - p0);
    boolean add = accumulate || p0 > 0;
    int whole = p0 + kc - kc % L, end = p0 + kc;
    int bRow = bOff + j * ldb;
    int i = 0;
    // Four rows of A at a time against one load of B: 5 loads feed 4 fmas, where one row at a
    // time needs 2 loads per fma.
    for (; i + 4 <= m; i += 4) {
      int a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
      for (int p = p0; p < whole; p += L) {
        FloatVector bv = FloatVector.fromArray(S, b, bRow + p);
        s0 = FloatVector.fromArray(S, a, a0 + p).fma(bv, s0);
        s1 = FloatVector.fromArray(S, a, a1 + p).fma(bv, s1);
        s2 = FloatVector.fromArray(S, a, a2 + p).fma(bv, s2);
        s3 = FloatVector.fromArray(S, a, a3 + p).fma(bv, s3);
      }
      s0.intoArray(lanes, 0);
      s1.intoArray(lanes, L);
      s2.intoArray(lanes, 2 * L);
      s3.intoArray(lanes, 3 * L);
      for (int r = 0; r < 4; r++) {
        int aRow = aOff + (i + r) * lda;
        float sum = 0f;
        for (int l = 0; l < L; l++) sum += lanes[r * L + l];
        for (int p = whole; p < end; p++) sum += a[aRow + p] * b[bRow + p];
        int at = cOff + (i + r) * ldc + j;
        c[at] = add ? c[at] + sum : sum;
      }
    }
    for (; i < m; i++) {
      int aRow = aOff + i * lda;
      FloatVector s0 = FloatVector.zero(S);
      for (int p = p0; p < whole; p += L) {
        s0 = FloatVector.fromArray(S, a, aRow + p).fma(FloatVector.fromArray(S, b, bRow + p), s0);
      }
      s0.intoArray(lanes, 0);
      float sum = 0f;
      for (int l = 0; l < L; l++) sum += lanes[l];
      for (int p = whole; p < end; p++) sum += a[aRow + p] * b[bRow + p];
      int at = cOff + i * ldc + j;
      c[at] = add ? c[at] + sum : sum;
    }
  }

  /**
   * {@link #tile} for four rows: 16 accumulators, 4 loads and 4 broadcasts feeding 16 fmas, the
   * same order of operations per element (so a row rounds alike whichever tile computes it).
   */
  private static void tileFourRows(float[] a, int a0, int a1, int a2, int a3,
                                   float[] bSource, int bBase, int bStride, int kb, float[] out) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    for (int p = 0; p < kb; p++) {
      int bi = bBase + p * bStride;
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      FloatVector b1 = FloatVector.fromArray(S, bSource, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bSource, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bSource, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(S, a[a1 + p]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(S, a[a2 + p]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(S, a[a3 + p]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
    }
    c00.intoArray(out, 0); c01.intoArray(out, L); c02.intoArray(out, 2 * L); c03.intoArray(out, 3 * L);
    c10.intoArray(out, NR); c11.intoArray(out, NR + L);
    c12.intoArray(out, NR + 2 * L); c13.intoArray(out, NR + 3 * L);
    c20.intoArray(out, 2 * NR); c21.intoArray(out, 2 * NR + L);
    c22.intoArray(out, 2 * NR + 2 * L); c23.intoArray(out, 2 * NR + 3 * L);
    c30.intoArray(out, 3 * NR); c31.intoArray(out, 3 * NR + L);
    c32.intoArray(out, 3 * NR + 2 * L); c33.intoArray(out, 3 * NR + 3 * L);
  }

  /** {@link #tileFourRows} with B gathered, as {@link #tileGathered}. */
  private static void tileFourRowsGathered(float[] a, int a0, int a1, int a2, int a3,
                                           float[] bSource, int[] bRows, int bRowsOff, int col, int kb, float[] out) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    for (int p = 0; p < kb; p++) {
      int bi = bRows[bRowsOff + p] + col;
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      FloatVector b1 = FloatVector.fromArray(S, bSource, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bSource, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bSource, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(S, a[a1 + p]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(S, a[a2 + p]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(S, a[a3 + p]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
    }
    c00.intoArray(out, 0); c01.intoArray(out, L); c02.intoArray(out, 2 * L); c03.intoArray(out, 3 * L);
    c10.intoArray(out, NR); c11.intoArray(out, NR + L);
    c12.intoArray(out, NR + 2 * L); c13.intoArray(out, NR + 3 * L);
    c20.intoArray(out, 2 * NR); c21.intoArray(out, 2 * NR + L);
    c22.intoArray(out, 2 * NR + 2 * L); c23.intoArray(out, 2 * NR + 3 * L);
    c30.intoArray(out, 3 * NR); c31.intoArray(out, 3 * NR + L);
    c32.intoArray(out, 3 * NR + 2 * L); c33.intoArray(out, 3 * NR + 3 * L);
  }

  /**
   * C[MR x NR] = A strip (MR x kb) * B strip (kb x NR), or += it unless overwrite; 24
   * accumulators. Row r of the A strip at step p is {@code a[a_r + p]}, in place or packed alike;
   * row r of C starts at {@code c[at + r*ldc]}: C itself where no epilogue finishes the tile, else
   * the scratch tile (ldc = NR), which {@link #store} then finishes.
   *
   * <p>Every index in the loop is a row base plus p (or p times the loop-invariant bStride), so
   * C2 hoists all the bounds checks out of it. With A's step a variable (MR when packed, 1 in
   * place) it could not, and the kernel ran at 75-80% of a Zen 5 core's peak instead of 95-100%
   * (a scratch copy of this loop timed on L1-resident operands). The stores are written out here,
   * not in a helper: a vector passed to a method C2 does not inline is boxed. Going straight into
   * C saved ResNet-20's training steps 2-7% a layer against a round trip through the scratch tile.
   */
  private static void tile(float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                float[] bSource, int bBase, int bStride, int kb,
                                float[] c, int at, int ldc, boolean overwrite) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    for (int p = 0; p < kb; p++) {
      int bi = bBase + p * bStride;
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      FloatVector b1 = FloatVector.fromArray(S, bSource, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bSource, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bSource, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(S, a[a1 + p]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(S, a[a2 + p]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(S, a[a3 + p]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
      av = FloatVector.broadcast(S, a[a4 + p]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
      av = FloatVector.broadcast(S, a[a5 + p]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
    }
    int r0 = at, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
    if (!overwrite) {
      // C + tile, as storeTile adds (the same sum either way round)
      c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
      c02 = c02.add(FloatVector.fromArray(S, c, r0 + 2 * L)); c03 = c03.add(FloatVector.fromArray(S, c, r0 + 3 * L));
      c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
      c12 = c12.add(FloatVector.fromArray(S, c, r1 + 2 * L)); c13 = c13.add(FloatVector.fromArray(S, c, r1 + 3 * L));
      c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
      c22 = c22.add(FloatVector.fromArray(S, c, r2 + 2 * L)); c23 = c23.add(FloatVector.fromArray(S, c, r2 + 3 * L));
      c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
      c32 = c32.add(FloatVector.fromArray(S, c, r3 + 2 * L)); c33 = c33.add(FloatVector.fromArray(S, c, r3 + 3 * L));
      c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
      c42 = c42.add(FloatVector.fromArray(S, c, r4 + 2 * L)); c43 = c43.add(FloatVector.fromArray(S, c, r4 + 3 * L));
      c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
      c52 = c52.add(FloatVector.fromArray(S, c, r5 + 2 * L)); c53 = c53.add(FloatVector.fromArray(S, c, r5 + 3 * L));
    }
    c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + 2 * L); c03.intoArray(c, r0 + 3 * L);
    c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + 2 * L); c13.intoArray(c, r1 + 3 * L);
    c20.intoArray(c, r2); c21.intoArray(c, r2 + L); c22.intoArray(c, r2 + 2 * L); c23.intoArray(c, r2 + 3 * L);
    c30.intoArray(c, r3); c31.intoArray(c, r3 + L); c32.intoArray(c, r3 + 2 * L); c33.intoArray(c, r3 + 3 * L);
    c40.intoArray(c, r4); c41.intoArray(c, r4 + L); c42.intoArray(c, r4 + 2 * L); c43.intoArray(c, r4 + 3 * L);
    c50.intoArray(c, r5); c51.intoArray(c, r5 + L); c52.intoArray(c, r5 + 2 * L); c53.intoArray(c, r5 + 3 * L);
  }

  /**
   * {@link #tile} with B gathered: row p of B is {@code bSource[bRows[bRowsOff + p] + col ..]}.
   * A copy of the micro-kernel rather than a table in the one kernel: the strided path (every
   * product but a stride-1 convolution's) then keeps its loop free of the table's load.
   */
  private static void tileGathered(float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                float[] bSource, int[] bRows, int bRowsOff, int col, int kb,
                                float[] c, int at, int ldc, boolean overwrite) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    for (int p = 0; p < kb; p++) {
      int bi = bRows[bRowsOff + p] + col;
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      FloatVector b1 = FloatVector.fromArray(S, bSource, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bSource, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bSource, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(S, a[a1 + p]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(S, a[a2 + p]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(S, a[a3 + p]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
      av = FloatVector.broadcast(S, a[a4 + p]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
      av = FloatVector.broadcast(S, a[a5 + p]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
    }
    int r0 = at, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
    if (!overwrite) {
      // C + tile, as storeTile adds (the same sum either way round)
      c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
      c02 = c02.add(FloatVector.fromArray(S, c, r0 + 2 * L)); c03 = c03.add(FloatVector.fromArray(S, c, r0 + 3 * L));
      c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
      c12 = c12.add(FloatVector.fromArray(S, c, r1 + 2 * L)); c13 = c13.add(FloatVector.fromArray(S, c, r1 + 3 * L));
      c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
      c22 = c22.add(FloatVector.fromArray(S, c, r2 + 2 * L)); c23 = c23.add(FloatVector.fromArray(S, c, r2 + 3 * L));
      c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
      c32 = c32.add(FloatVector.fromArray(S, c, r3 + 2 * L)); c33 = c33.add(FloatVector.fromArray(S, c, r3 + 3 * L));
      c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
      c42 = c42.add(FloatVector.fromArray(S, c, r4 + 2 * L)); c43 = c43.add(FloatVector.fromArray(S, c, r4 + 3 * L));
      c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
      c52 = c52.add(FloatVector.fromArray(S, c, r5 + 2 * L)); c53 = c53.add(FloatVector.fromArray(S, c, r5 + 3 * L));
    }
    c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + 2 * L); c03.intoArray(c, r0 + 3 * L);
    c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + 2 * L); c13.intoArray(c, r1 + 3 * L);
    c20.intoArray(c, r2); c21.intoArray(c, r2 + L); c22.intoArray(c, r2 + 2 * L); c23.intoArray(c, r2 + 3 * L);
    c30.intoArray(c, r3); c31.intoArray(c, r3 + L); c32.intoArray(c, r3 + 2 * L); c33.intoArray(c, r3 + 3 * L);
    c40.intoArray(c, r4); c41.intoArray(c, r4 + L); c42.intoArray(c, r4 + 2 * L); c43.intoArray(c, r4 + 3 * L);
    c50.intoArray(c, r5); c51.intoArray(c, r5 + L); c52.intoArray(c, r5 + 2 * L); c53.intoArray(c, r5 + 3 * L);
  }

  /** {@link #storeTile}, or {@link #storeFinished} with the epilogue when there is one. */
  private static void store(float[] tile, float[] c, int cBase, int ldc, int rows, int cols, boolean overwrite,
                            Epilogue finish, int row0) {
    if (finish == null) {
      storeTile(tile, c, cBase, ldc, rows, cols, overwrite);
    } else {
      storeFinished(tile, c, cBase, ldc, rows, cols, overwrite, finish, row0);
    }
  }

  /**
   * {@link #storeTile}, each entry then finished by the epilogue (tile row r being row row0 + r
   * of C): bias, norm, residual, ReLU, with {@link Epilogue#apply}'s roundings, lanes and tail alike.
   */
  private static void storeFinished(float[] tile, float[] c, int cBase, int ldc, int rows, int cols,
                                    boolean overwrite, Epilogue e, int row0) {
    FloatVector zero = FloatVector.zero(S);
    for (int r = 0; r < rows; r++) {
      int at = cBase + r * ldc, f = e.first + row0 + r;
      boolean biased = e.bias != null, normed = e.mean != null, residual = e.residual != null;
      float bias = biased ? e.bias[f] : 0f;
      float mean = normed ? e.mean[f] : 0f, scale = normed ? e.scale[f] : 0f, shift = normed ? e.shift[f] : 0f;
      int whole = cols - cols % L;
      for (int j = 0; j < whole; j += L) {
        FloatVector v = FloatVector.fromArray(S, tile, r * NR + j);
        if (!overwrite) v = v.add(FloatVector.fromArray(S, c, at + j));
        if (biased) v = v.add(bias);
        if (normed) v = v.sub(mean).mul(scale).add(shift);
        if (residual) v = v.add(FloatVector.fromArray(S, e.residual, at + j));
        if (e.relu) v = v.max(zero);
        v.intoArray(c, at + j);
      }
      for (int j = whole; j < cols; j++) {
        float v = overwrite ? tile[r * NR + j] : c[at + j] + tile[r * NR + j];
        c[at + j] = e.apply(row0 + r, at + j, v);
      }
    }
  }

  /** C[rows x cols] = tile, or += tile unless overwrite; the tile's rows are NR floats apart. */
  private static void storeTile(float[] tile, float[] c, int cBase, int ldc, int rows, int cols,
                                boolean overwrite) {
    for (int r = 0; r < rows; r++) {
      int at = cBase + r * ldc;
      for (int j = 0; j < cols; j += L) {
        FloatVector v = FloatVector.fromArray(S, tile, r * NR + j);
        if (j + L <= cols) {
          if (!overwrite) v = v.add(FloatVector.fromArray(S, c, at + j));
          v.intoArray(c, at + j);
        } else {
          for (int t = j; t < cols; t++) c[at + t] = overwrite ? tile[r * NR + t] : c[at + t] + tile[r * NR + t];
        }
      }
    }
  }

  private static int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }
}
