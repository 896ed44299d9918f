package dev.hubel.onnx;

import dev.hubel.op.Fit;
import java.util.Arrays;

/**
 * Sliding windows (convolution, pooling) as ONNX and Hubel describe them: ONNX pads each end of
 * each axis as it likes and rounds a partial window down or, with ceil_mode, up; Hubel pads both
 * ends and both axes alike and says with a {@link Fit} how it rounds. These work out the Hubel
 * form that gives ONNX's windows, or say why there is none.
 */
final class Windows {
  private Windows() {}

  /** ONNX's window count along one axis, from its padding at each end and its rounding. */
  static long onnxCount(long size, long k, long s, long begin, long end, boolean ceil) {
    long span = size + begin + end - k;
    if (span < 0) return 0;
    long count = (ceil ? Math.ceilDiv(span, s) : span / s) + 1;
    if (ceil && (count - 1) * s >= size + begin) count--;  // no window may start in the end padding
    return count;
  }

  static long hubelCount(long size, long k, long s, long pad, Fit fit) {
    long span = size + 2 * pad - k;
    if (span < 0) return -1;
    if (fit == Fit.FLOOR) return span / s + 1;
    long out = (span + s - 1) / s + 1;
    if ((out - 1) * s >= size + pad) out--;
    return out;
  }

  /**
   * Hubel pads both ends by the same amount and rounds a partial window down or up; ONNX pads each
   * end as it likes. The two agree when the windows start at the same places (the same padding
   * before) and there are as many: then any padding after that the last window reaches is zeros
   * (or minus infinity, for a max) in both.
   */
  static Fit fit(String where, String what, int[] size, int[] k, int s, long[] pads, boolean ceil, boolean exactEnds) {
    int axes = size.length;
    long before = pads[0];
    for (int i = 0; i < axes; i++) {
      if (pads[i] != before) {
        throw new OnnxException(where + ": pads " + Arrays.toString(pads) + " differ between the axes; Hubel's " + what
            + " pads height and width alike");
      }
      if (exactEnds && pads[axes + i] != before) {
        throw new OnnxException(where + ": pads " + Arrays.toString(pads) + " differ between the start and the end; Hubel's " + what
            + " pads both ends alike");
      }
    }
    Fit chosen = null;
    for (Fit f : new Fit[] {Fit.FLOOR, Fit.CEIL}) {
      boolean all = true;
      for (int i = 0; i < axes; i++) {
        long want = onnxCount(size[i], k[i], s, pads[i], pads[axes + i], ceil);
        if (want < 1) {
          throw new OnnxException(where + ": the " + k[i] + "-wide window does not fit an input " + size[i] + " long with pads " + Arrays.toString(pads));
        }
        all &= hubelCount(size[i], k[i], s, before, f) == want;
      }
      if (all) {
        chosen = f;
        break;
      }
    }
    if (chosen == null) {
      throw new OnnxException(where + ": pads " + Arrays.toString(pads) + (ceil ? " with ceil_mode" : "") + " at stride " + s
          + " give a number of windows that Hubel's " + what + " (the same padding at both ends, a partial window dropped or kept) does not");
    }
    return chosen;
  }

  static long[] pads(Attributes at, int[] size, int[] k, int s, String where) {
    int axes = size.length;
    String auto = at.s("auto_pad", "NOTSET");
    long[] pads = at.ints("pads", 0, GraphReader.MAX_WINDOW);
    switch (auto) {
      case "NOTSET" -> {
        if (pads == null) pads = new long[2 * axes];
        if (pads.length != 2 * axes) throw new OnnxException(where + ": pads " + Arrays.toString(pads) + "; expected " + 2 * axes + " values");
      }
      case "VALID" -> pads = new long[2 * axes];
      case "SAME_UPPER", "SAME_LOWER" -> {
        pads = new long[2 * axes];
        for (int i = 0; i < axes; i++) {
          long out = Math.ceilDiv(size[i], s);
          long total = Math.max(0, (out - 1) * s + k[i] - size[i]);
          long small = total / 2, big = total - small;
          pads[i] = auto.equals("SAME_UPPER") ? small : big;
          pads[axes + i] = auto.equals("SAME_UPPER") ? big : small;
        }
      }
      default -> throw new OnnxException(where + ": auto_pad '" + auto + "'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    }
    return pads;
  }

  static int stride(Attributes at, int axes, String where) {
    long[] strides = at.ints("strides", 1, GraphReader.MAX_WINDOW);
    if (strides == null) return 1;
    if (strides.length != axes) throw new OnnxException(where + ": strides " + Arrays.toString(strides) + "; expected " + axes + " values");
    for (long st : strides) {
      if (st != strides[0]) throw new OnnxException(where + ": strides " + Arrays.toString(strides) + " differ between the axes; Hubel strides alike in height and width");
    }
    return (int) strides[0];
  }

  static void noDilation(Attributes at, String where) {
    long[] d = at.ints("dilations", 1, GraphReader.MAX_WINDOW);
    if (d != null) for (long v : d) if (v != 1) throw new OnnxException(where + ": dilations " + Arrays.toString(d) + "; Hubel's windows are not dilated (use 1)");
  }
}
