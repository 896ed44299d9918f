"""Writes core/src/main/java/dev/hubel/kernel/VectorNhwcConv.java (the channels-last convolution's
register tiles, written out because vectors must stay in locals):

    python3 core/src/build/nhwc_tiles.py > core/src/main/java/dev/hubel/kernel/VectorNhwcConv.java
"""
import os, sys
R = int(os.environ.get('ROWS', '7'))
VS = [int(v) for v in os.environ.get('VECTORS', '2,1').split(',')]
def wrap(indent, stmts):
    lines, cur = [], ""
    for st in stmts:
        if cur and len(indent) + len(cur) + 1 + len(st) > 118:
            lines.append(indent + cur); cur = st
        else:
            cur = st if not cur else cur + " " + st
    if cur: lines.append(indent + cur)
    return "\n".join(lines)

def sums(V):
    o = []
    word = {4: "four vectors", 2: "two vectors", 1: "one vector"}[V]
    o.append(f"  /** {R} pixels by {word} of filters: {R * V} sums. */")
    params = ", ".join(f"int a{i}" for i in range(R))
    o.append(wrap("  ", [f"private static void sums{V}(float[] x,"] + [f"int a{i}," for i in range(R)] + ["int segment, int rowStride,", "float[] w, int at, int k0, int k1, float[] out, int o, int stride) {"]))
    o.append(f"    FloatVector c00 = FloatVector.zero(S);")
    decl = []
    for i in range(R):
        for v in range(V):
            if i == 0 and v == 0: continue
            decl.append(f"c{i}{v} = c00")
    o.append(wrap("    ", ["FloatVector " + decl[0] + ","] + [d + "," for d in decl[1:-1]] + [decl[-1] + ";"]))
    o.append(f"    int width = {V if V > 1 else ''}{' * ' if V > 1 else ''}L;")
    o.append("    int s = k0 / segment, j = k0 - s * segment;")
    o.append("    for (int kk = k0; kk < k1; s++, j = 0) {")
    o.append("      int run = Math.min(segment - j, k1 - kk), from = s * rowStride + j;")
    o.append(wrap("      ", ["int e0 = a0 + from,"] + [f"e{i} = a{i} + from{',' if i < R - 1 else ';'}" for i in range(1, R)]))
    o.append("      for (int p = 0; p < run; p++) {")
    o.append("        int bi = at + p * width;")
    for v in range(V):
        o.append(f"        FloatVector w{v} = FloatVector.fromArray(S, w, bi{'' if v == 0 else (' + L' if v == 1 else f' + {v} * L')});")
    o.append("        FloatVector v = FloatVector.broadcast(S, x[e0 + p]);")
    for i in range(R):
        if i > 0:
            o.append(f"        v = FloatVector.broadcast(S, x[e{i} + p]);")
        o.append("        " + " ".join(f"c{i}{v} = v.fma(w{v}, c{i}{v});" for v in range(V)))
    o.append("      }")
    o.append("      at += run * width;")
    o.append("      kk += run;")
    o.append("    }")
    lines = []
    for i in range(R):
        st = []
        base = "o" if i == 0 else ("o + stride" if i == 1 else f"o + {i} * stride")
        for v in range(V):
            idx = base if v == 0 else (f"{base} + L" if v == 1 else f"{base} + {v} * L")
            st.append(f"c{i}{v}.intoArray(out, {idx});")
        lines.append(wrap("    ", st))
    o.extend(lines)
    o.append("  }")
    return "\n".join(o)

HEAD = '''package dev.hubel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NhwcConvKernel} on the Vector API; loaded by name only when the module is present.
 * A register tile is NhwcConvolution.TILE_ROWS (7) output pixels by a filter block of two
 * vectors (or one, at the end): 14 sums, two weight vectors and a broadcast input value. Per k
 * the tile loads its weights once for seven pixels and broadcasts each pixel's input value once
 * for all its filters. The tile's shape was measured (one core, ResNet-50's layers at batch 1):
 * 7x2 and 8x2 ran at 80-97% of the core's FMA peak; 6x4, 12x2, 10x2, 9x2 and 5x4, with 20 to 24
 * sums, at 40-70%, where C2 spilled or boxed them; 4x4 at 75-85%. Seven rows also tile 7x7,
 * 14x14, 28x28 and 56x56 maps exactly.
 *
 * <p>The sums go to a scratch tile that {@link #finish} adds to the output; the loop that makes
 * them is kept apart and small, its sums started from zero in locals, because C2 boxed them (10x
 * slower) when that loop shared a method with the loads and the epilogue. The sums methods are
 * generated ({@code core/src/build/nhwc_tiles.py}): a vector kept in an array, or handed to a
 * method C2 does not inline, is boxed, so they are written out rather than looped over arrays of
 * vectors.
 */
final class VectorNhwcConv implements NhwcConvKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int ROWS = NhwcConvolution.TILE_ROWS;

  static {  // the sums methods below take @@R@@ rows: generated for that tile height
    if (ROWS != @@R@@) throw new IllegalStateException("VectorNhwcConv was generated for @@R@@-row tiles, not " + ROWS);
  }

  @Override
  public void tiles(NhwcConvolution job, int p0, int p1, int b0, int b1, int k0, int k1, boolean first, boolean last) {
    int[] at = ThreadScratch.ints(3 * ROWS);
    // every block of a tile at once (the job tile by tile, whole): the tile's sums side by side,
    // [row][filter], then finished pixel by pixel along whole rows of y; block by block, the
    // finish had written 32-filter slivers of each pixel, and 64-channel 1x1 layers ran 1.4x slower
    boolean whole = b0 == 0 && b1 == job.blockStart.length - 1 && first && last;
    int f1 = job.blockStart[b1], stride = whole ? job.filters : 2 * L;
    float[] sums = ThreadScratch.floats(ROWS * stride);
    int segment = job.fw * job.in.c(), rowStride = job.in.rowStride();
    float[] x = job.x, w = job.packed;
    for (int p = p0; p < p1; p += ROWS) {
      int rows = Math.min(ROWS, p1 - p);
      offsets(job, p, rows, at);
      for (int b = b0; b < b1; b++) {
        int f0 = job.blockStart[b], width = job.blockStart[b + 1] - f0, from = f0 * job.k + k0 * width;
        int o = whole ? f0 : 0;
        switch (width / L) {
@@CASES@@
        }
        if (!whole) finish(job, sums, at, rows, f0, width, stride, first, last);
      }
      if (whole) finish(job, sums, at, rows, 0, f1, stride, true, true);
    }
  }

  /**
   * Where the tile's rows start: at[i] the window of row i in x (its top left, in the border
   * where padded), at[ROWS + i] its pixel in y, at[2 ROWS + i] in the residual. Rows past the
   * last repeat it (worked, never stored). One division for the tile, then steps: divisions per
   * row and filter block had cost more than the sums of a 64-channel 1x1 layer.
   */
  private static void offsets(NhwcConvolution job, int p, int rows, int[] at) {
    int wo = job.out.w(), hw = job.pixelsPerImage();
    int b = p / hw, r = p - b * hw, oh = r / wo, ow = r - oh * wo;
    for (int i = 0; i < ROWS; i++) {
      if (i >= rows) {
        at[i] = at[i - 1];
        at[ROWS + i] = at[ROWS + i - 1];
        at[2 * ROWS + i] = at[2 * ROWS + i - 1];
        continue;
      }
      at[i] = job.in.offset(b, oh * job.stride - job.pad, ow * job.stride - job.pad);
      at[ROWS + i] = job.out.offset(b, oh, ow);
      at[2 * ROWS + i] = job.residual == null ? 0 : job.residualLayout.offset(b, oh, ow);
      if (++ow == wo) {
        ow = 0;
        if (++oh == job.out.h()) {
          oh = 0;
          b++;
        }
      }
    }
  }

  /**
   * The tile's sums for filters f0..f0+width-1 (row i's at i * stride) into y: added to what y holds after the first k block,
   * and at the last the bias, the residual and the ReLU.
   */
  private static void finish(NhwcConvolution job, float[] sums, int[] at, int rows, int f0, int width, int stride,
                             boolean first, boolean last) {
    float[] y = job.y, bias = job.bias, r = job.residual;
    boolean relu = job.relu;
    FloatVector zero = FloatVector.zero(S);
    for (int i = 0; i < rows; i++) {
      int yo = at[ROWS + i] + f0, ro = at[2 * ROWS + i] + f0;
      for (int j = 0; j < width; j += L) {
        FloatVector v = FloatVector.fromArray(S, sums, i * stride + j);
        if (!first) v = v.add(FloatVector.fromArray(S, y, yo + j));
        if (last) {
          v = v.add(FloatVector.fromArray(S, bias, f0 + j));
          if (r != null) v = v.add(FloatVector.fromArray(S, r, ro + j));
          if (relu) v = v.max(zero);
        }
        v.intoArray(y, yo + j);
      }
    }
  }
'''

args = ", ".join(f"at[{i}]" for i in range(R))
cases = []
for V in VS:
    label = "default" if V == VS[-1] else f"case {V}"
    call = wrap("          ", [f"{label} -> sums{V}(x,"] + [a + "," for a in args.split(", ")]
                + ["segment, rowStride, w, from, k0, k1, sums, o, stride);"]).split("\n")
    cases.append("\n".join([call[0]] + ["    " + c for c in call[1:]]))
head = HEAD.replace("@@CASES@@", "\n".join(cases)).replace("@@R@@", str(R))
print(head)
for V in VS:
    print(sums(V))
    print()
print("}")
