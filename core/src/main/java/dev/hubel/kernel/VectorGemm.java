package dev.hubel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast product on the Vector API, after Goto and van de Geijn's layered blocking.
 *
 * <p>Loop order, outermost first: columns of C in blocks of {@link #NC}; k in blocks of
 * {@link #KC} (packing that block of B); rows of C in blocks of {@link #MC} (that block of A,
 * about 200 KB, stays in L2); strips of {@link #NR} columns; tiles of {@link #MR} rows. The
 * innermost {@link #tile} keeps a 6 x 4-vector tile of C in 24 registers for the whole k block and
 * streams one strip of B (kept hot in L1/L2 across all row tiles) and six rows of A through it:
 * 4 loads and 6 broadcasts feed 24 fmas.
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
 * partial vector from a zero-padded copy; rows left over are zero-padded in the A panel and simply
 * not stored.
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
  /** Depth of one k block. */
  static final int KC = 256;
  /** Rows of A packed at a time (a multiple of MR). */
  static final int MC = 32 * MR;
  /** Columns of B packed at a time (a multiple of NR). */
  static final int NC = 2048 / NR * NR;
  /** From this many rows of C on, packing B pays for itself. */
  static final int PACK_B_MIN_M = 129;
  /**
   * Up to this many rows, A times B transposed is done as dot products of rows (a fully connected
   * layer at batch 1..16): each row of B is read once, straight from memory, where the tiled path
   * would first copy all of B into a packed panel, doubling the traffic of a memory-bound product.
   */
  static final int DOT_MAX_M = 16;
  /**
   * From 5 rows on, only for deep products, where B is large and packing it costs most (and the
   * shape alone decides, so that a product split over threads takes the same path in every piece).
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
    if (transB && !transA && (m <= 4 || m <= DOT_MAX_M && k >= DOT_MIN_K)) {
      dotRows(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, PackedPanels.forThisThread().tile(MR * NR));
      return;
    }
    blocked(transA, transB, m, n, k, a, aOff, lda, null, 0, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
  }

  @Override
  public void multiplyGatherB(int m, int n, int k, float[] a, int aOff, int lda,
                              float[] b, int[] bRows, int bRowsOff,
                              float[] c, int cOff, int ldc, boolean accumulate) {
    blocked(false, false, m, n, k, a, aOff, lda, null, 0, b, 0, 0, bRows, bRowsOff, c, cOff, ldc, accumulate);
  }

  @Override
  public void multiplyGatherA(int m, int n, int k, float[] a, int[] aRows, int aRowsOff,
                              float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
    blocked(false, true, m, n, k, a, 0, 0, aRows, aRowsOff, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
  }

  /**
   * The blocked product. A row of A is {@code a[aOff + i*lda ..]}, or {@code a[aRows[aRowsOff + i] ..]}
   * when aRows is given; likewise a row of (untransposed) B with bRows.
   */
  private static void blocked(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, int[] aRows, int aRowsOff,
                              float[] b, int bOff, int ldb, int[] bRows, int bRowsOff,
                              float[] c, int cOff, int ldc, boolean accumulate) {
    PackedPanels panels = PackedPanels.forThisThread();
    boolean packB = transB || m >= PACK_B_MIN_M;
    for (int jc = 0; jc < n; jc += NC) {
      int nb = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kb = Math.min(KC, k - pc);
        boolean overwrite = pc == 0 && !accumulate;
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
        for (int ic = 0; ic < m; ic += MC) {
          int mb = Math.min(MC, m - ic);
          int inPlace = transA ? 0 : mb - mb % MR;
          if (inPlace > 0) {
            // A's rows are read where they are (6 streams along k), as packing them cost as much as
            // a tenth of a convolution's time: a layer's weights were copied again for every image
            multiplyBlock(a, aOff + ic * lda + pc, lda, 1, MR * lda, aRows, aRowsOff + ic, pc, inPlace, kb,
                bSource, bBase, bStride, bStripStep, gather, gatherOff, nb,
                c, cOff + ic * ldc + jc, ldc, overwrite, panels.tile(MR * NR));
          }
          if (inPlace < mb) {
            int rows = mb - inPlace;
            float[] aPanel = panels.aPanel(roundUp(rows, MR) * kb);
            PackedPanels.packA(transA, a, aOff, lda, aRows, aRowsOff, ic + inPlace, pc, rows, kb, MR, aPanel);
            multiplyBlock(aPanel, 0, 1, MR, MR * kb, null, 0, 0, rows, kb, bSource, bBase, bStride, bStripStep,
                gather, gatherOff, nb, c, cOff + (ic + inPlace) * ldc + jc, ldc, overwrite, panels.tile(MR * NR));
          }
        }
      }
    }
  }

  /**
   * One block of A (mb x kb) times one block of B (kb x nb) into C. Element (i, p) of the A block
   * is {@code aSrc[aBase + (i / MR) * aGroup + (i % MR) * aRow + p * aStep]}: packed, aRow = 1
   * and aStep = MR; in place, aRow = lda and aStep = 1 (then mb is a multiple of MR); gathered
   * (aRows given), {@code aSrc[aRows[aRowsOff + i] + aCol + p]}. Strip s of B starts at
   * {@code bBase + s*bStripStep} and its rows are {@code bStride} apart; gathered (bRows given),
   * row p of the block is {@code bSource[bRows[bRowsOff + p] + bBase ..]} and strips are NR apart.
   */
  private static void multiplyBlock(float[] aSrc, int aBase, int aRow, int aStep, int aGroup,
                                    int[] aRows, int aRowsOff, int aCol, int mb, int kb,
                                    float[] bSource, int bBase, int bStride, int bStripStep,
                                    int[] bRows, int bRowsOff, int nb,
                                    float[] c, int cBase, int ldc, boolean overwrite,
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
        if (bRows != null) {
          tileGathered(aSrc, a0, a1, a2, a3, a4, a5, aStep, bSource, bRows, bRowsOff, bStrip, kb, scratch);
        } else {
          tile(aSrc, a0, a1, a2, a3, a4, a5, aStep, bSource, bStrip, bStride, kb, scratch);
        }
        storeTile(scratch, c, cBase + r * ldc + s * NR, ldc, Math.min(MR, mb - r), NR, overwrite);
      }
    }
    int width = nb - fullStrips * NR;
    if (width == 0) return;
    // Columns after the last full strip go one vector at a time, read in place; a full-width tile
    // over a zero-padded strip would spend most of its multiplies on the padding (a 14x14 output
    // map is 196 columns: three strips of 64 and 4 left over).
    int from = bBase + fullStrips * bStripStep;
    int cFrom = cBase + fullStrips * NR;
    int vectors = width / L;
    int tail = width - vectors * L;
    float[] edge = null;
    if (tail > 0) {
      // The last columns, fewer than a vector, are copied into a zero-padded vector-wide strip
      // (masked vector loads and stores are not compiled to plain instructions everywhere).
      edge = PackedPanels.forThisThread().edgeStrip(kb * L);
      int tailFrom = from + vectors * L;
      for (int p = 0; p < kb; p++) {
        int src = bRows != null ? bRows[bRowsOff + p] + tailFrom : tailFrom + p * bStride;
        System.arraycopy(bSource, src, edge, p * L, tail);
        java.util.Arrays.fill(edge, p * L + tail, (p + 1) * L, 0f);
      }
    }
    for (int r = 0; r < mb; r += MR) {
      int a0, a1, a2, a3, a4, a5;
      if (aRows != null) {
        int at = aRowsOff + r;
        a0 = aRows[at] + aCol; a1 = aRows[at + 1] + aCol; a2 = aRows[at + 2] + aCol;
        a3 = aRows[at + 3] + aCol; a4 = aRows[at + 4] + aCol; a5 = aRows[at + 5] + aCol;
      } else {
        a0 = aBase + r / MR * aGroup; a1 = a0 + aRow; a2 = a1 + aRow; a3 = a2 + aRow; a4 = a3 + aRow; a5 = a4 + aRow;
      }
      int rows = Math.min(MR, mb - r);
      for (int v = 0; v < vectors; v++) {
        if (bRows != null) {
          tileOneVectorGathered(aSrc, a0, a1, a2, a3, a4, a5, aStep, bSource, bRows, bRowsOff, from + v * L, kb, scratch);
        } else {
          tileOneVector(aSrc, a0, a1, a2, a3, a4, a5, aStep, bSource, from + v * L, bStride, kb, scratch);
        }
        storeTile(scratch, c, cFrom + r * ldc + v * L, ldc, rows, L, overwrite);
      }
      if (tail > 0) {
        tileOneVector(aSrc, a0, a1, a2, a3, a4, a5, aStep, edge, 0, L, kb, scratch);
        storeTile(scratch, c, cFrom + r * ldc + vectors * L, ldc, rows, tail, overwrite);
      }
    }
  }

  /**
   * out[MR x L] = A strip (MR x kb) * B strip (kb x L): the edge of {@link #tile}, one
   * vector wide, with the same order of operations per element (so edges round as the middle).
   * Row r of the A strip at step p is {@code a[a_r + p * aStep]}. Rows of out are NR apart, as
   * {@link #storeTile} reads them.
   */
  private static void tileOneVector(float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int aStep,
                                    float[] bSource, int bBase, int bStride, int kb, float[] out) {
    FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    int bi = bBase;
    for (int p = 0, o = 0; p < kb; p++, o += aStep, bi += bStride) {
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      c0 = FloatVector.broadcast(S, a[a0 + o]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[a1 + o]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[a2 + o]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[a3 + o]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, a[a4 + o]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, a[a5 + o]).fma(b0, c5);
    }
    c0.intoArray(out, 0);
    c1.intoArray(out, NR);
    c2.intoArray(out, 2 * NR);
    c3.intoArray(out, 3 * NR);
    c4.intoArray(out, 4 * NR);
    c5.intoArray(out, 5 * NR);
  }

  /** {@link #tileOneVector} with B gathered: row p of B is {@code bSource[bRows[bRowsOff + p] + col ..]}. */
  private static void tileOneVectorGathered(float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int aStep,
                                            float[] bSource, int[] bRows, int bRowsOff, int col, int kb, float[] out) {
    FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    for (int p = 0, o = 0; p < kb; p++, o += aStep) {
      FloatVector b0 = FloatVector.fromArray(S, bSource, bRows[bRowsOff + p] + col);
      c0 = FloatVector.broadcast(S, a[a0 + o]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[a1 + o]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[a2 + o]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[a3 + o]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, a[a4 + o]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, a[a5 + o]).fma(b0, c5);
    }
    c0.intoArray(out, 0);
    c1.intoArray(out, NR);
    c2.intoArray(out, 2 * NR);
    c3.intoArray(out, 3 * NR);
    c4.intoArray(out, 4 * NR);
    c5.intoArray(out, 5 * NR);
  }

  /**
   * C[i, j] (+)= row i of A . row j of B, for m <= {@link #DOT_MAX_M}; each row of B is read
   * once for all rows of A. The lanes of each dot are
   * summed in a fixed scalar order (not reduceLanes, whose order may differ between the
   * interpreter and compiled code), so the result never depends on warm-up.
   */
  private static void dotRows(int m, int n, int k, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                              boolean accumulate, float[] lanes) {
    int whole = k - k % L;
    for (int j = 0; j < n; j++) {
      int bRow = bOff + j * ldb;
      int i = 0;
      // Four rows of A at a time against one load of B: 5 loads feed 4 fmas, where one row at a
      // time needs 2 loads per fma.
      for (; i + 4 <= m; i += 4) {
        int a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int p = 0; p < whole; p += L) {
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
          for (int p = whole; p < k; p++) sum += a[aRow + p] * b[bRow + p];
          int at = cOff + (i + r) * ldc + j;
          c[at] = accumulate ? c[at] + sum : sum;
        }
      }
      for (; i < m; i++) {
        int aRow = aOff + i * lda;
        FloatVector s0 = FloatVector.zero(S);
        for (int p = 0; p < whole; p += L) {
          s0 = FloatVector.fromArray(S, a, aRow + p).fma(FloatVector.fromArray(S, b, bRow + p), s0);
        }
        s0.intoArray(lanes, 0);
        float sum = 0f;
        for (int l = 0; l < L; l++) sum += lanes[l];
        for (int p = whole; p < k; p++) sum += a[aRow + p] * b[bRow + p];
        int at = cOff + i * ldc + j;
        c[at] = accumulate ? c[at] + sum : sum;
      }
    }
  }

  /**
   * out[MR x NR] = A strip (MR x kb) * B strip (kb x NR); 24 accumulators. Row r of the A strip
   * at step p is {@code a[a_r + p * aStep]} (packed: a_r = base + r, aStep MR; in place, aStep 1).
   */
  private static void tile(float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int aStep,
                           float[] bSource, int bBase, int bStride, int kb, float[] out) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    int bi = bBase;
    for (int p = 0, o = 0; p < kb; p++, o += aStep, bi += bStride) {
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      FloatVector b1 = FloatVector.fromArray(S, bSource, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bSource, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bSource, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + o]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(S, a[a1 + o]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(S, a[a2 + o]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(S, a[a3 + o]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
      av = FloatVector.broadcast(S, a[a4 + o]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
      av = FloatVector.broadcast(S, a[a5 + o]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
    }
    // Written out to a scratch tile, then added to C by a separate small loop: storing straight
    // into C row by row made this method too big for C2 to inline the helpers, and a vector
    // passed to a method that is not inlined is boxed.
    c00.intoArray(out, 0); c01.intoArray(out, L); c02.intoArray(out, 2 * L); c03.intoArray(out, 3 * L);
    c10.intoArray(out, NR); c11.intoArray(out, NR + L);
    c12.intoArray(out, NR + 2 * L); c13.intoArray(out, NR + 3 * L);
    c20.intoArray(out, 2 * NR); c21.intoArray(out, 2 * NR + L);
    c22.intoArray(out, 2 * NR + 2 * L); c23.intoArray(out, 2 * NR + 3 * L);
    c30.intoArray(out, 3 * NR); c31.intoArray(out, 3 * NR + L);
    c32.intoArray(out, 3 * NR + 2 * L); c33.intoArray(out, 3 * NR + 3 * L);
    c40.intoArray(out, 4 * NR); c41.intoArray(out, 4 * NR + L);
    c42.intoArray(out, 4 * NR + 2 * L); c43.intoArray(out, 4 * NR + 3 * L);
    c50.intoArray(out, 5 * NR); c51.intoArray(out, 5 * NR + L);
    c52.intoArray(out, 5 * NR + 2 * L); c53.intoArray(out, 5 * NR + 3 * L);
  }

  /**
   * {@link #tile} with B gathered: row p of B is {@code bSource[bRows[bRowsOff + p] + col ..]}.
   * A copy of the micro-kernel rather than a table in the one kernel: the strided path (every
   * product but a stride-1 convolution's) then keeps its loop free of the table's load.
   */
  private static void tileGathered(float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int aStep,
                                   float[] bSource, int[] bRows, int bRowsOff, int col, int kb, float[] out) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    for (int p = 0, o = 0; p < kb; p++, o += aStep) {
      int bi = bRows[bRowsOff + p] + col;
      FloatVector b0 = FloatVector.fromArray(S, bSource, bi);
      FloatVector b1 = FloatVector.fromArray(S, bSource, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bSource, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bSource, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + o]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(S, a[a1 + o]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(S, a[a2 + o]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(S, a[a3 + o]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
      av = FloatVector.broadcast(S, a[a4 + o]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
      av = FloatVector.broadcast(S, a[a5 + o]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
    }
    // Written out to a scratch tile, then added to C by a separate small loop: storing straight
    // into C row by row made this method too big for C2 to inline the helpers, and a vector
    // passed to a method that is not inlined is boxed.
    c00.intoArray(out, 0); c01.intoArray(out, L); c02.intoArray(out, 2 * L); c03.intoArray(out, 3 * L);
    c10.intoArray(out, NR); c11.intoArray(out, NR + L);
    c12.intoArray(out, NR + 2 * L); c13.intoArray(out, NR + 3 * L);
    c20.intoArray(out, 2 * NR); c21.intoArray(out, 2 * NR + L);
    c22.intoArray(out, 2 * NR + 2 * L); c23.intoArray(out, 2 * NR + 3 * L);
    c30.intoArray(out, 3 * NR); c31.intoArray(out, 3 * NR + L);
    c32.intoArray(out, 3 * NR + 2 * L); c33.intoArray(out, 3 * NR + 3 * L);
    c40.intoArray(out, 4 * NR); c41.intoArray(out, 4 * NR + L);
    c42.intoArray(out, 4 * NR + 2 * L); c43.intoArray(out, 4 * NR + 3 * L);
    c50.intoArray(out, 5 * NR); c51.intoArray(out, 5 * NR + L);
    c52.intoArray(out, 5 * NR + 2 * L); c53.intoArray(out, 5 * NR + 3 * L);
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
