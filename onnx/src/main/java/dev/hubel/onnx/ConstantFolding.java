package dev.hubel.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ops that exporters apply to constants, worked out when the model is read: the shape
 * arithmetic of {@code x.view(x.size(0), -1)} (Shape, Gather, Unsqueeze, Concat), weights they
 * transpose or cast, and small arithmetic. Each takes and gives {@link Constant}s, numpy's
 * broadcasting and ONNX's index rules included; {@code where} names the node for the messages.
 */
final class ConstantFolding {
  private ConstantFolding() {}

  /** Generated constants (ConstantOfShape) larger than this are refused: shape arithmetic is small. */
  static final int MAX_GENERATED = 1 << 26;

  static int axis(long axis, int rank, String where) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) throw new OnnxException(where + ": axis " + axis + " is outside a tensor of rank " + rank);
    return (int) a;
  }

  private static int[] strides(int[] dims) {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  static int count(int[] dims) {
    long n = 1;
    for (int d : dims) {
      n *= d;
      if (n > TensorData.MAX_ELEMENTS) throw new OnnxException("a folded constant of shape " + Arrays.toString(dims) + " is too large");
    }
    return (int) n;
  }

  /** A constant of the same kind as {@code like}, taking element {@code src[i]} of it for each output index i. */
  private static Constant gatherElements(Constant like, int[] dims, int[] src) {
    if (like.isFloat()) {
      float[] f = new float[src.length];
      for (int i = 0; i < f.length; i++) f[i] = like.floats()[src[i]];
      return Constant.floats(dims, f);
    }
    long[] l = new long[src.length];
    for (int i = 0; i < l.length; i++) l[i] = like.longs()[src[i]];
    return Constant.longs(dims, l);
  }

  static Constant reshape(Constant c, int[] dims) {
    return c.isFloat() ? Constant.floats(dims, c.floats()) : Constant.longs(dims, c.longs());
  }

  static Constant gather(Constant data, Constant indices, long axisAttr, String where) {
    int r = data.dims().length;
    if (r == 0) throw new OnnxException(where + ": Gather needs data of rank 1 or more, received a scalar");
    int axis = axis(axisAttr, r, where);
    long[] idx = indices.asLongs();
    int n = data.dims()[axis];
    int[] dims = concat(Arrays.copyOfRange(data.dims(), 0, axis), indices.dims(), Arrays.copyOfRange(data.dims(), axis + 1, r));
    int outer = count(Arrays.copyOfRange(data.dims(), 0, axis)), inner = count(Arrays.copyOfRange(data.dims(), axis + 1, r));
    int[] src = new int[count(dims)];
    int o = 0;
    for (int a = 0; a < outer; a++) {
      for (long i : idx) {
        long k = i < 0 ? i + n : i;
        if (k < 0 || k >= n) throw new OnnxException(where + ": Gather index " + i + " is outside 0.." + (n - 1) + " along axis " + axis);
        for (int b = 0; b < inner; b++) src[o++] = (a * n + (int) k) * inner + b;
      }
    }
    return gatherElements(data, dims, src);
  }

  static Constant unsqueeze(Constant c, long[] axes, String where) {
    int rank = c.dims().length + axes.length;
    boolean[] added = new boolean[rank];
    for (long a : axes) {
      int k = axis(a, rank, where);
      if (added[k]) throw new OnnxException(where + ": Unsqueeze names axis " + a + " twice");
      added[k] = true;
    }
    int[] dims = new int[rank];
    for (int i = 0, j = 0; i < rank; i++) dims[i] = added[i] ? 1 : c.dims()[j++];
    return reshape(c, dims);
  }

  static Constant squeeze(Constant c, long[] axes, String where) {
    int r = c.dims().length;
    boolean[] drop = new boolean[r];
    if (axes == null) {
      for (int i = 0; i < r; i++) drop[i] = c.dims()[i] == 1;
    } else {
      for (long a : axes) {
        int k = axis(a, r, where);
        if (c.dims()[k] != 1) throw new OnnxException(where + ": Squeeze of axis " + a + ", which is " + c.dims()[k] + " long, not 1");
        drop[k] = true;
      }
    }
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < r; i++) if (!drop[i]) kept.add(c.dims()[i]);
    return reshape(c, kept.stream().mapToInt(Integer::intValue).toArray());
  }

  static Constant concat(List<Constant> parts, long axisAttr, String where) {
    Constant first = parts.get(0);
    int r = first.dims().length;
    int axis = axis(axisAttr, r, where);
    int along = 0;
    boolean floats = false;
    for (Constant p : parts) {
      if (p.dims().length != r) throw new OnnxException(where + ": Concat of ranks " + r + " and " + p.dims().length);
      for (int i = 0; i < r; i++) {
        if (i != axis && p.dims()[i] != first.dims()[i]) {
          throw new OnnxException(where + ": Concat of shapes " + Arrays.toString(first.dims()) + " and " + Arrays.toString(p.dims())
              + ", which differ outside axis " + axis);
        }
      }
      along += p.dims()[axis];
      floats |= p.isFloat();
    }
    int[] dims = first.dims().clone();
    dims[axis] = along;
    int outer = count(Arrays.copyOfRange(dims, 0, axis)), inner = count(Arrays.copyOfRange(dims, axis + 1, r));
    int n = count(dims);
    float[] f = floats ? new float[n] : null;
    long[] l = floats ? null : new long[n];
    int o = 0;
    for (int a = 0; a < outer; a++) {
      for (Constant p : parts) {
        int block = p.dims()[axis] * inner;
        float[] pf = floats ? p.asFloats(where) : null;
        for (int b = 0; b < block; b++, o++) {
          if (floats) f[o] = pf[a * block + b];
          else l[o] = p.longs()[a * block + b];
        }
      }
    }
    return floats ? Constant.floats(dims, f) : Constant.longs(dims, l);
  }

  static Constant slice(Constant c, long[] starts, long[] ends, long[] axes, long[] steps, String where) {
    int r = c.dims().length;
    if (ends.length != starts.length || (axes != null && axes.length != starts.length) || (steps != null && steps.length != starts.length)) {
      throw new OnnxException(where + ": Slice's starts, ends, axes and steps differ in length");
    }
    int[] from = new int[r], step = new int[r], dims = c.dims().clone();
    Arrays.fill(step, 1);
    for (int k = 0; k < starts.length; k++) {
      int ax = axis(axes == null ? k : axes[k], r, where);
      long st = steps == null ? 1 : steps[k];
      if (st == 0) throw new OnnxException(where + ": Slice step 0");
      long n = c.dims()[ax];
      long s = starts[k] < 0 ? starts[k] + n : starts[k], e = ends[k] < 0 ? ends[k] + n : ends[k];
      if (st > 0) {
        s = Math.clamp(s, 0, n);
        e = Math.clamp(e, 0, n);
        dims[ax] = (int) Math.max(0, (e - s + st - 1) / st);
      } else {
        s = Math.clamp(s, 0, n - 1);
        e = Math.clamp(e, -1, n - 1);
        dims[ax] = (int) Math.max(0, (s - e - st - 1) / -st);
      }
      from[ax] = (int) s;
      step[ax] = Math.clamp(st, -Integer.MAX_VALUE, Integer.MAX_VALUE);
    }
    int[] inStrides = strides(c.dims()), outStrides = strides(dims);
    int[] src = new int[count(dims)];
    for (int o = 0; o < src.length; o++) {
      int rest = o, at = 0;
      for (int i = 0; i < r; i++) {
        int q = rest / outStrides[i];
        rest %= outStrides[i];
        at += (from[i] + q * step[i]) * inStrides[i];
      }
      src[o] = at;
    }
    return gatherElements(c, dims, src);
  }

  static Constant transpose(Constant c, long[] perm, String where) {
    int r = c.dims().length;
    int[] p = new int[r];
    if (perm == null) {
      for (int i = 0; i < r; i++) p[i] = r - 1 - i;
    } else {
      if (perm.length != r) throw new OnnxException(where + ": Transpose perm " + Arrays.toString(perm) + " for a tensor of rank " + r);
      boolean[] seen = new boolean[r];
      for (int i = 0; i < r; i++) {
        p[i] = axis(perm[i], r, where);
        if (seen[p[i]]) throw new OnnxException(where + ": Transpose perm " + Arrays.toString(perm) + " is not a permutation");
        seen[p[i]] = true;
      }
    }
    int[] dims = new int[r];
    for (int i = 0; i < r; i++) dims[i] = c.dims()[p[i]];
    int[] inStrides = strides(c.dims()), outStrides = strides(dims);
    int[] src = new int[count(dims)];
    for (int o = 0; o < src.length; o++) {
      int rest = o, at = 0;
      for (int i = 0; i < r; i++) {
        at += rest / outStrides[i] * inStrides[p[i]];
        rest %= outStrides[i];
      }
      src[o] = at;
    }
    return gatherElements(c, dims, src);
  }

  /** Elementwise Add, Sub, Mul, Div with numpy broadcasting. */
  static Constant arithmetic(String op, Constant a, Constant b, String where) {
    int r = Math.max(a.dims().length, b.dims().length);
    int[] da = pad(a.dims(), r), db = pad(b.dims(), r), dims = new int[r];
    for (int i = 0; i < r; i++) {
      if (da[i] != db[i] && da[i] != 1 && db[i] != 1) {
        throw new OnnxException(where + ": " + op + " of shapes " + Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims())
            + ", which do not broadcast");
      }
      dims[i] = da[i] == 1 ? db[i] : da[i];
    }
    int[] sa = strides(da), sb = strides(db), so = strides(dims);
    int n = count(dims);
    boolean floats = a.isFloat() || b.isFloat();
    if (!floats && (a.hasBatch() || b.hasBatch())) {
      throw new OnnxException(where + ": " + op + " on the batch size, which is not known until the model runs; Hubel folds shape arithmetic that keeps the batch as it is");
    }
    float[] fa = floats ? a.asFloats(where) : null, fb = floats ? b.asFloats(where) : null;
    float[] f = floats ? new float[n] : null;
    long[] l = floats ? null : new long[n];
    for (int o = 0; o < n; o++) {
      int rest = o, ia = 0, ib = 0;
      for (int i = 0; i < r; i++) {
        int q = rest / so[i];
        rest %= so[i];
        if (da[i] != 1) ia += q * sa[i];
        if (db[i] != 1) ib += q * sb[i];
      }
      if (floats) {
        float x = fa[ia], y = fb[ib];
        f[o] = switch (op) {
          case "Add" -> x + y;
          case "Sub" -> x - y;
          case "Mul" -> x * y;
          default -> x / y;
        };
      } else {
        long x = a.longs()[ia], y = b.longs()[ib];
        if (op.equals("Div") && y == 0) throw new OnnxException(where + ": integer division by zero");
        l[o] = switch (op) {
          case "Add" -> x + y;
          case "Sub" -> x - y;
          case "Mul" -> x * y;
          default -> x / y;
        };
      }
    }
    return floats ? Constant.floats(dims, f) : Constant.longs(dims, l);
  }

  static Constant constantOfShape(Constant shape, Constant value, String where) {
    long[] s = shape.asLongs();
    int[] dims = new int[s.length];
    long n = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] < 0 || s[i] > MAX_GENERATED) {
        throw new OnnxException(where + ": ConstantOfShape of " + shape.describe() + "; expected dimensions 0 to " + MAX_GENERATED);
      }
      dims[i] = (int) s[i];
      n *= s[i];
      if (n > MAX_GENERATED) throw new OnnxException(where + ": ConstantOfShape of " + shape.describe() + " is too large to fold");
    }
    if (value != null && value.size() != 1) throw new OnnxException(where + ": ConstantOfShape's value must hold one element");
    if (value == null || value.isFloat()) {
      float[] f = new float[(int) n];
      if (value != null) Arrays.fill(f, value.floats()[0]);
      return Constant.floats(dims, f);
    }
    long[] l = new long[(int) n];
    Arrays.fill(l, value.longs()[0]);
    return Constant.longs(dims, l);
  }

  private static int[] pad(int[] dims, int rank) {
    int[] out = new int[rank];
    Arrays.fill(out, 1);
    System.arraycopy(dims, 0, out, rank - dims.length, dims.length);
    return out;
  }

  static int[] concat(int[]... parts) {
    int n = 0;
    for (int[] p : parts) n += p.length;
    int[] out = new int[n];
    int o = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
