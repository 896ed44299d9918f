package dev.hubel.kernel;

/**
 * Copies blocks of op(A) and op(B) into the layouts the {@link VectorGemm} micro-kernel reads
 * contiguously, and owns the per-thread buffers they go in. Packing is also where transposition
 * is resolved, so the micro-kernel sees one layout whatever transA and transB are.
 *
 * <p>A block (mb x kb) becomes strips of {@code mr} rows, each row contiguous along k as when
 * the kernel reads A in place: element (i, p) of strip s lies at {@code s*kb*mr + i*kb + p}, rows
 * past mb are zero. A block of B (kb x nb) becomes strips of
 * {@code nr} columns: element (p, j) of strip s lies at {@code s*kb*nr + p*nr + j}; columns past
 * nb are left as they are (the kernel masks them off).
 */
final class PackedPanels {

  private static final ThreadLocal<PackedPanels> PER_THREAD = ThreadLocal.withInitial(PackedPanels::new);

  private float[] aPanel = new float[0];
  private float[] bPanel = new float[0];
  private float[] tile = new float[0];
  private float[] edgeStrip = new float[0];
  private float[] transposed = new float[0];

  private PackedPanels() {}

  /** This thread's buffers; they only ever grow, so a warmed-up thread allocates nothing. */
  static PackedPanels forThisThread() {
    return PER_THREAD.get();
  }

  float[] aPanel(int size) {
    if (aPanel.length < size) aPanel = new float[size];
    return aPanel;
  }

  float[] bPanel(int size) {
    if (bPanel.length < size) bPanel = new float[size];
    return bPanel;
  }

  /** Scratch for the last, narrower strip of B, zero-padded to a full strip. */
  float[] edgeStrip(int size) {
    if (edgeStrip.length < size) edgeStrip = new float[size];
    return edgeStrip;
  }

  /** Scratch for a product's C computed transposed ({@code VectorGemm.swapped}). */
  float[] transposed(int size) {
    if (transposed.length < size) transposed = new float[size];
    return transposed;
  }

  /** Scratch for one register tile of C on its way out. */
  float[] tile(int size) {
    if (tile.length < size) tile = new float[size];
    return tile;
  }

  /**
   * Packs op(A)[ic .. ic+mb, pc .. pc+kb] into strips of mr rows. Untransposed, row i of A starts
   * at {@code a[aRows[aRowsOff + i]]} when a table of row starts is given, else at
   * {@code a[aOff + i*lda]}.
   */
  static void packA(boolean transA, float[] a, int aOff, int lda, int[] aRows, int aRowsOff,
                    int ic, int pc, int mb, int kb, int mr, float[] panel) {
    for (int strip = 0; strip * mr < mb; strip++) {
      int base = strip * kb * mr;
      for (int r = 0; r < mr; r++) {
        int i = strip * mr + r;
        int row = base + r * kb;
        if (i >= mb) {
          java.util.Arrays.fill(panel, row, row + kb, 0f);
        } else if (transA) {
          int src = aOff + pc * lda + ic + i;
          for (int p = 0; p < kb; p++) panel[row + p] = a[src + p * lda];
        } else {
          int src = (aRows != null ? aRows[aRowsOff + ic + i] : aOff + (ic + i) * lda) + pc;
          System.arraycopy(a, src, panel, row, kb);
        }
      }
    }
  }

  /**
   * Packs op(B)[pc .. pc+kb, jc .. jc+nb] into strips of nr columns. Untransposed, row p of B
   * starts at {@code b[bRows[bRowsOff + p]]} when a table of row starts is given, else at
   * {@code b[bOff + p*ldb]}.
   */
  static void packB(boolean transB, float[] b, int bOff, int ldb, int[] bRows, int bRowsOff,
                    int pc, int jc, int kb, int nb, int nr, float[] panel) {
    for (int strip = 0; strip * nr < nb; strip++) {
      int base = strip * kb * nr;
      int j0 = jc + strip * nr;
      int width = Math.min(nr, nb - strip * nr);
      if (transB) {
        VectorTranspose.transpose(b, bOff + j0 * ldb + pc, ldb, width, kb, panel, base, nr);
      } else {
        for (int p = 0; p < kb; p++) {
          int row = bRows != null ? bRows[bRowsOff + pc + p] : bOff + (pc + p) * ldb;
          System.arraycopy(b, row + j0, panel, base + p * nr, width);
        }
      }
    }
  }
}
