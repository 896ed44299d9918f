package dev.hubel.data;

/**
 * Random numbers drawn counter-style: the value for a counter is a hash of (key, counter), with no
 * generator state. What an example's augmentation or an epoch's order is then depends only on
 * the seed and the counters, never on which thread drew before, so runs are the same on any
 * thread count, with or without prefetch, and after a resume.
 */
final class CounterRandom {
  private CounterRandom() {}

  /** Independent streams under one seed: the split, each epoch's order, each example's augmentation. */
  static final long SPLIT = 0x5E1171L, ORDER = 0x0D3E5L, AUGMENT = 0xA4635L;

  /** SplittableRandom's finaliser (Stafford's mix 13) over key + golden-ratio-spaced counter: well spread, no state. */
  static long hash(long key, long counter) {
    long z = key + (counter + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A value in 0..bound-1 from the hash's top 32 bits, by multiply and shift (Lemire): its bias
   * is below bound / 2^32, a few parts per million for a dataset's size.
   */
  static int below(long hash, int bound) {
    return (int) (((hash >>> 32) * bound) >>> 32);
  }

  /** Fisher-Yates over {@code order} in place, the swap for position i drawn from hash(key, i). */
  static void shuffle(int[] order, int length, long key) {
    for (int i = length - 1; i > 0; i--) {
      int j = below(hash(key, i), i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
