package dev.hubel.kernel;

/**
 * Inverted dropout's mask, drawn counter-style: whether element i is kept depends only on the
 * step's seed and i, through a stateless hash. So any split of the elements over threads draws
 * the same mask, and the backward pass draws it again instead of storing it.
 */
public final class DropoutMask {
  private DropoutMask() {}

  /** The 24-bit draw below which an element is dropped: keep when draw >= ceil(p * 2^24), i.e. with probability 1 - p. */
  public static int threshold(double p) {
    return (int) Math.ceil(p * (1 << 24));
  }

  /** 24 uniform bits from (seed, i): SplittableRandom's mix over seed + golden-ratio-spaced i. */
  public static int draw(long seed, long i) {
    long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (int) (z >>> 40);
  }

  /** y[i] = x[i] * scale where element i is kept, else 0, for i in [from, to). */
  public static void forward(float[] x, float[] y, int from, int to, long seed, int threshold, float scale) {
    for (int i = from; i < to; i++) y[i] = draw(seed, i) >= threshold ? x[i] * scale : 0f;
  }

  /** dx[i] += dy[i] * scale where element i was kept: the same draws as the forward pass. */
  public static void backward(float[] dy, float[] dx, int from, int to, long seed, int threshold, float scale) {
    for (int i = from; i < to; i++) if (draw(seed, i) >= threshold) dx[i] += dy[i] * scale;
  }
}
