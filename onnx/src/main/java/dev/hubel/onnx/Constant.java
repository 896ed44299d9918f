package dev.hubel.onnx;

import java.util.Arrays;

/**
 * A tensor whose values are known when the model is read: an initializer (weights), a Constant
 * node, or what the shape arithmetic exporters emit folds to. Exactly one of {@code floats} and
 * {@code longs} is set; integer types are widened to long, floating types narrowed to float.
 *
 * <p>The batch size is not known when a model is read, so {@code Shape} of an activation puts
 * {@link #BATCH} where the batch dimension goes; gathering, concatenating and unsqueezing carry it
 * along, arithmetic on it is refused, and {@code Reshape} reads it as "keep the batch".
 */
record Constant(int[] dims, float[] floats, long[] longs) implements Value {
  /** Stands for the batch dimension in folded shapes; no real dimension is this large or negative. */
  static final long BATCH = Long.MIN_VALUE / 4;

  Constant {
    if ((floats == null) == (longs == null)) throw new IllegalArgumentException("a constant holds floats or longs");
  }

  static Constant floats(int[] dims, float[] values) {
    return new Constant(dims, values, null);
  }

  static Constant longs(int[] dims, long[] values) {
    return new Constant(dims, null, values);
  }

  int size() {
    return floats != null ? floats.length : longs.length;
  }

  boolean isFloat() {
    return floats != null;
  }

  boolean hasBatch() {
    if (longs == null) return false;
    for (long v : longs) if (v == BATCH) return true;
    return false;
  }

  /** The values as floats; integers convert exactly up to 2^24, as ONNX's Cast would. */
  float[] asFloats(String where) {
    if (floats != null) return floats;
    if (hasBatch()) throw new OnnxException(where + ": the value depends on the batch size, which is not known until the model runs");
    float[] f = new float[longs.length];
    for (int i = 0; i < f.length; i++) f[i] = longs[i];
    return f;
  }

  /** The values as whole numbers (floats are truncated toward zero, as ONNX's Cast does). */
  long[] asLongs() {
    if (longs != null) return longs;
    long[] l = new long[floats.length];
    for (int i = 0; i < l.length; i++) l[i] = (long) floats[i];
    return l;
  }

  String describe() {
    String v = floats != null ? Arrays.toString(floats.length > 8 ? Arrays.copyOf(floats, 8) : floats)
        : Arrays.toString(longs.length > 8 ? Arrays.copyOf(longs, 8) : longs).replace(Long.toString(BATCH), "N");
    if (size() > 8) v = v.substring(0, v.length() - 1) + ", ...]";
    return "constant of shape " + Arrays.toString(dims) + " " + v;
  }
}
