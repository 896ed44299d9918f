package dev.hubel.kernel;

/**
 * {@link Gemm#sgemm} split over a {@link WorkerPool}: C is cut into disjoint panels of columns
 * (or of rows, when C is too narrow to share out by columns), each piece computes its own panel
 * with the single-threaded kernel. No partial sums are shared, and every kernel computes an entry
 * of C the same way wherever its panel starts, so the result is bit for bit that of the
 * single-threaded call, on any number of threads.
 *
 * <p>One object per call site, made when a step is compiled: it holds the arguments of the call
 * in progress so that handing it to the pool allocates nothing. Not for concurrent use; call it
 * from outside the pool's pieces (the pool is not reentrant).
 */
public final class ParallelGemm {

  /** Below this many multiply-adds the hand-off to the other threads costs more than it saves. */
  static final long MIN_PARALLEL_WORK = 1L << 18;
  /** Column panels start at multiples of this: whole register tiles (NR is 64 or 32 floats). */
  static final int COLUMN_ALIGN = 64;
  /** Row panels start at multiples of this: whole register tiles (MR is 6). */
  static final int ROW_ALIGN = 6;
  /** Narrowest column panel worth a piece of its own. */
  static final int MIN_PANEL_COLUMNS = 128;

  private final WorkerPool pool;
  private final WorkerPool.Task task = this::piece;

  private boolean transA, transB, accumulate, byColumns;
  private int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, pieces;
  private float[] a, b, c;

  public ParallelGemm(WorkerPool pool) {
    this.pool = pool;
  }

  /** As {@link Gemm#sgemm}, on this object's pool. */
  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                    float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, boolean accumulate) {
    int threads = pool.threads();
    long work = (long) m * n * k;
    int byColumn = Math.min(threads, n / MIN_PANEL_COLUMNS);
    int byRow = Math.min(threads, m / (4 * ROW_ALIGN));
    if (threads == 1 || work < MIN_PARALLEL_WORK || Math.max(byColumn, byRow) < 2) {
      Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
      return;
    }
    this.transA = transA;
    this.transB = transB;
    this.m = m;
    this.n = n;
    this.k = k;
    this.a = a;
    this.aOff = aOff;
    this.lda = lda;
    this.b = b;
    this.bOff = bOff;
    this.ldb = ldb;
    this.c = c;
    this.cOff = cOff;
    this.ldc = ldc;
    this.accumulate = accumulate;
    this.byColumns = byColumn >= 2;
    this.pieces = byColumns ? byColumn : byRow;
    try {
      pool.run(pieces, task);
    } finally {
      this.a = this.b = this.c = null;
    }
  }

  /** Where panel {@code piece} of {@code size} starts, rounded down to {@code align}. */
  static int panelStart(int piece, int pieces, int size, int align) {
    if (piece >= pieces) return size;
    return WorkerPool.splitStart(piece, pieces, size / align) * align;
  }

  private void piece(int piece) {
    if (byColumns) {
      int j0 = panelStart(piece, pieces, n, COLUMN_ALIGN), j1 = panelStart(piece + 1, pieces, n, COLUMN_ALIGN);
      if (j1 == j0) return;
      Gemm.sgemm(transA, transB, m, j1 - j0, k, a, aOff, lda,
          b, transB ? bOff + j0 * ldb : bOff + j0, ldb, c, cOff + j0, ldc, accumulate);
    } else {
      int i0 = panelStart(piece, pieces, m, ROW_ALIGN), i1 = panelStart(piece + 1, pieces, m, ROW_ALIGN);
      if (i1 == i0) return;
      Gemm.sgemm(transA, transB, i1 - i0, n, k, a, transA ? aOff + i0 : aOff + i0 * lda, lda,
          b, bOff, ldb, c, cOff + i0 * ldc, ldc, accumulate);
    }
  }
}
