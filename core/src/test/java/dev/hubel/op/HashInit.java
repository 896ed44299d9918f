package dev.hubel.op;

/**
 * The integer hash make_golden.py's hash_uniform uses for LeNet-5's input and weights, so that the
 * golden file need not store 61,706 weights: the same index and seed give the same float here and
 * there, bit for bit (integer arithmetic mod 2^32, then one double multiply, then one rounding).
 */
final class HashInit {
  private HashInit() {}

  /** A number in [-1, 1). */
  static double uniform(int i, int seed) {
    int x = i * 0x9E3779B1 + seed * 0x85EBCA77;
    x ^= x >>> 16;
    x *= 0x7FEB352D;
    x ^= x >>> 15;
    x *= 0x846CA68B;
    x ^= x >>> 16;
    return (x >>> 8) / 16777216.0 * 2.0 - 1.0;
  }

  static void fill(float[] values, int seed, double scale) {
    for (int i = 0; i < values.length; i++) values[i] = (float) (uniform(i, seed) * scale);
  }
}
