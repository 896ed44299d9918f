package dev.hubel.onnx;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded byte mutations for fuzzing file loaders: bit flips, random and extreme bytes, truncation,
 * deleted, repeated and inserted runs. Half of them aim at the first {@code hot} bytes, where a
 * file's header or structure lies, since mutations in the weights mostly change only weights.
 */
final class Mutator {
  private final SplittableRandom rng;
  private final int hot;

  Mutator(long seed, int hot) {
    this.rng = new SplittableRandom(seed);
    this.hot = hot;
  }

  byte[] mutate(byte[] seed) {
    byte[] b = seed.clone();
    int count = 1 + rng.nextInt(6);
    for (int k = 0; k < count && b.length > 0; k++) b = once(b);
    return b;
  }

  private int position(int length) {
    int bound = rng.nextBoolean() ? Math.min(hot, length) : length;
    return rng.nextInt(Math.max(1, bound));
  }

  private byte[] once(byte[] b) {
    int at = position(b.length);
    switch (rng.nextInt(8)) {
      case 0 -> b[at] ^= (byte) (1 << rng.nextInt(8));
      case 1 -> b[at] = (byte) rng.nextInt(256);
      case 2 -> b[at] = (byte) (rng.nextBoolean() ? 0xFF : 0x7F);  // a varint that goes on, a large length
      case 3 -> b = Arrays.copyOf(b, at);  // truncated
      case 4 -> {  // a run deleted
        int n = Math.min(b.length - at, 1 + rng.nextInt(16));
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        b = out;
      }
      case 5 -> {  // a run repeated
        int n = Math.min(b.length - at, 1 + rng.nextInt(32));
        byte[] out = new byte[b.length + n];
        System.arraycopy(b, 0, out, 0, at + n);
        System.arraycopy(b, at, out, at + n, b.length - at);
        b = out;
      }
      case 6 -> {  // random bytes inserted
        int n = 1 + rng.nextInt(8);
        byte[] out = new byte[b.length + n];
        System.arraycopy(b, 0, out, 0, at);
        for (int i = 0; i < n; i++) out[at + i] = (byte) rng.nextInt(256);
        System.arraycopy(b, at, out, at + n, b.length - at);
        b = out;
      }
      default -> {  // an ASCII digit changed, as in a JSON header's numbers
        if (b[at] >= '0' && b[at] <= '9') b[at] = (byte) ('0' + rng.nextInt(10));
        else b[at] = (byte) "0123456789-e.[]{}\",:".charAt(rng.nextInt(20));
      }
    }
    return b;
  }
}
