package dev.hubel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes a block of floats in 16 x 16 squares held in registers, for the packing of a
 * transposed B ({@link PackedPanels#packB}): a convolution's dw summed transposed packs dy^T
 * once per k block, and element by element that copy had cost about two fifths of the product
 * it fed where the filters are few (ResNet-20's 16-filter layers: 16 x 128 floats per k block
 * against 144 x 16 x 128 multiply-adds). Squares in registers ran 3.8x faster than the scalar
 * copy on one Zen 5 core (a scratch harness, 2026-12-04: 350 ns against 1330 a 16 x 128 block).
 *
 * <p>A square is transposed in four steps: step k exchanges bit k of the row index with bit k of
 * the column index, each pair of rows (i, i + 2^k) becoming two rows that take lanes from both
 * (two-vector {@code selectFrom}, one permute instruction on AVX-512). Only 16-lane vectors
 * (512-bit) take this path; narrower ones, and the rows and columns past the last whole square,
 * are copied one by one.
 */
final class VectorTranspose {
  private VectorTranspose() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int SQUARE = 16;
  /** Whether the squares run in registers: one vector a row of a square. */
  static final boolean ENABLED = S.length() == SQUARE;
  /** Per step k, the lanes of (row i, row i + 2^k) that the new row i (LOW) and i + 2^k (HIGH) take. */
  private static final float[][] LOW = new float[4][SQUARE], HIGH = new float[4][SQUARE];

  static {
    for (int k = 0; k < 4; k++) {
      for (int j = 0; j < SQUARE; j++) {
        boolean bit = (j >> k & 1) != 0;  // lanes 0..15 index the first row, 16..31 the second
        LOW[k][j] = bit ? SQUARE + j - (1 << k) : j;
        HIGH[k][j] = bit ? SQUARE + j : j + (1 << k);
      }
    }
  }

  /**
   * out[outOff + p*ldo + j] = src[srcOff + j*lds + p] for j < rows, p < cols: rows of the source
   * become columns of the output.
   */
  static void transpose(float[] src, int srcOff, int lds, int rows, int cols, float[] out, int outOff, int ldo) {
    int wholeRows = ENABLED ? rows - rows % SQUARE : 0, wholeCols = ENABLED ? cols - cols % SQUARE : 0;
    for (int j = 0; j < wholeRows; j += SQUARE) {
      for (int p = 0; p < wholeCols; p += SQUARE) square(src, srcOff + j * lds + p, lds, out, outOff + p * ldo + j, ldo);
    }
    for (int j = 0; j < rows; j++) {
      int from = srcOff + j * lds, to = outOff + j;
      for (int p = j < wholeRows ? wholeCols : 0; p < cols; p++) out[to + p * ldo] = src[from + p];
    }
  }

  /** One 16 x 16 square: out[o + p*ldo + j] = src[s + j*lds + p]. */
  private static void square(float[] src, int s, int lds, float[] out, int o, int ldo) {
    FloatVector r0 = FloatVector.fromArray(S, src, s), r1 = FloatVector.fromArray(S, src, s + lds);
    FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * lds), r3 = FloatVector.fromArray(S, src, s + 3 * lds);
    FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * lds), r5 = FloatVector.fromArray(S, src, s + 5 * lds);
    FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * lds), r7 = FloatVector.fromArray(S, src, s + 7 * lds);
    FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * lds), r9 = FloatVector.fromArray(S, src, s + 9 * lds);
    FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * lds), r11 = FloatVector.fromArray(S, src, s + 11 * lds);
    FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * lds), r13 = FloatVector.fromArray(S, src, s + 13 * lds);
    FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * lds), r15 = FloatVector.fromArray(S, src, s + 15 * lds);
    // Vectors stay in this method's locals (one passed to a helper C2 does not inline is boxed).
    FloatVector lo = FloatVector.fromArray(S, LOW[0], 0), hi = FloatVector.fromArray(S, HIGH[0], 0), t;
    t = lo.selectFrom(r0, r1); r1 = hi.selectFrom(r0, r1); r0 = t;
    t = lo.selectFrom(r2, r3); r3 = hi.selectFrom(r2, r3); r2 = t;
    t = lo.selectFrom(r4, r5); r5 = hi.selectFrom(r4, r5); r4 = t;
    t = lo.selectFrom(r6, r7); r7 = hi.selectFrom(r6, r7); r6 = t;
    t = lo.selectFrom(r8, r9); r9 = hi.selectFrom(r8, r9); r8 = t;
    t = lo.selectFrom(r10, r11); r11 = hi.selectFrom(r10, r11); r10 = t;
    t = lo.selectFrom(r12, r13); r13 = hi.selectFrom(r12, r13); r12 = t;
    t = lo.selectFrom(r14, r15); r15 = hi.selectFrom(r14, r15); r14 = t;
    lo = FloatVector.fromArray(S, LOW[1], 0);
    hi = FloatVector.fromArray(S, HIGH[1], 0);
    t = lo.selectFrom(r0, r2); r2 = hi.selectFrom(r0, r2); r0 = t;
    t = lo.selectFrom(r1, r3); r3 = hi.selectFrom(r1, r3); r1 = t;
    t = lo.selectFrom(r4, r6); r6 = hi.selectFrom(r4, r6); r4 = t;
    t = lo.selectFrom(r5, r7); r7 = hi.selectFrom(r5, r7); r5 = t;
    t = lo.selectFrom(r8, r10); r10 = hi.selectFrom(r8, r10); r8 = t;
    t = lo.selectFrom(r9, r11); r11 = hi.selectFrom(r9, r11); r9 = t;
    t = lo.selectFrom(r12, r14); r14 = hi.selectFrom(r12, r14); r12 = t;
    t = lo.selectFrom(r13, r15); r15 = hi.selectFrom(r13, r15); r13 = t;
    lo = FloatVector.fromArray(S, LOW[2], 0);
    hi = FloatVector.fromArray(S, HIGH[2], 0);
    t = lo.selectFrom(r0, r4); r4 = hi.selectFrom(r0, r4); r0 = t;
    t = lo.selectFrom(r1, r5); r5 = hi.selectFrom(r1, r5); r1 = t;
    t = lo.selectFrom(r2, r6); r6 = hi.selectFrom(r2, r6); r2 = t;
    t = lo.selectFrom(r3, r7); r7 = hi.selectFrom(r3, r7); r3 = t;
    t = lo.selectFrom(r8, r12); r12 = hi.selectFrom(r8, r12); r8 = t;
    t = lo.selectFrom(r9, r13); r13 = hi.selectFrom(r9, r13); r9 = t;
    t = lo.selectFrom(r10, r14); r14 = hi.selectFrom(r10, r14); r10 = t;
    t = lo.selectFrom(r11, r15); r15 = hi.selectFrom(r11, r15); r11 = t;
    lo = FloatVector.fromArray(S, LOW[3], 0);
    hi = FloatVector.fromArray(S, HIGH[3], 0);
    t = lo.selectFrom(r0, r8); r8 = hi.selectFrom(r0, r8); r0 = t;
    t = lo.selectFrom(r1, r9); r9 = hi.selectFrom(r1, r9); r1 = t;
    t = lo.selectFrom(r2, r10); r10 = hi.selectFrom(r2, r10); r2 = t;
    t = lo.selectFrom(r3, r11); r11 = hi.selectFrom(r3, r11); r3 = t;
    t = lo.selectFrom(r4, r12); r12 = hi.selectFrom(r4, r12); r4 = t;
    t = lo.selectFrom(r5, r13); r13 = hi.selectFrom(r5, r13); r5 = t;
    t = lo.selectFrom(r6, r14); r14 = hi.selectFrom(r6, r14); r6 = t;
    t = lo.selectFrom(r7, r15); r15 = hi.selectFrom(r7, r15); r7 = t;
    r0.intoArray(out, o); r1.intoArray(out, o + ldo); r2.intoArray(out, o + 2 * ldo); r3.intoArray(out, o + 3 * ldo);
    r4.intoArray(out, o + 4 * ldo); r5.intoArray(out, o + 5 * ldo);
    r6.intoArray(out, o + 6 * ldo); r7.intoArray(out, o + 7 * ldo);
    r8.intoArray(out, o + 8 * ldo); r9.intoArray(out, o + 9 * ldo);
    r10.intoArray(out, o + 10 * ldo); r11.intoArray(out, o + 11 * ldo);
    r12.intoArray(out, o + 12 * ldo); r13.intoArray(out, o + 13 * ldo);
    r14.intoArray(out, o + 14 * ldo); r15.intoArray(out, o + 15 * ldo);
  }
}
