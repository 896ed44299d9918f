package dev.hubel.kernel;

/**
 * An embedding's rows read into, and gradients added back from, a channels-by-length sequence.
 *
 * <pre>
 *   table  (V, D)      ids  (L) per example, whole numbers as floats      seq  (D, L) per example
 * </pre>
 *
 * Loop order example, position, channel: each step reads one table row in a stream and writes
 * one column of the sequence (stride L); a sentence's rows are too few for the other order to pay.
 */
public final class TableLookup {
  private TableLookup() {}

  /** seq[r, d, t] = table[ids[r, t], d] for examples r0..r1; the caller has checked the ids. */
  public static void gather(float[] table, int dim, float[] ids, int length, int r0, int r1, float[] seq) {
    for (int r = r0; r < r1; r++) {
      int out = r * dim * length;
      for (int t = 0; t < length; t++) {
        int row = (int) ids[r * length + t] * dim;
        for (int d = 0; d < dim; d++) seq[out + d * length + t] = table[row + d];
      }
    }
  }

  /**
   * dtable[ids[r, t], d] += dseq[r, d, t] for examples 0..n-1 and channels d0..d1 only: a caller
   * that splits the channels among threads lets each own whole columns of dtable, and repeated
   * tokens then add up in example, position order on any number of threads.
   */
  public static void scatterAdd(float[] dseq, float[] ids, int n, int length, int dim, int d0, int d1, float[] dtable) {
    for (int r = 0; r < n; r++) {
      int in = r * dim * length;
      for (int t = 0; t < length; t++) {
        int row = (int) ids[r * length + t] * dim;
        for (int d = d0; d < d1; d++) dtable[row + d] += dseq[in + d * length + t];
      }
    }
  }
}
