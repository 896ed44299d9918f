package dev.hubel.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A small dataset in MNIST's IDX layout that LeNet-5 learns in a few epochs: class k is a bright
 * 6x6 square at the k-th place of a 4x3 grid, on a noisy background.
 */
final class SyntheticIdx {
  private SyntheticIdx() {}

  static final int SIDE = 28, CLASSES = 10;

  /** Writes train (n) and t10k (n / 4) files into dir and returns it. */
  static Path write(Path dir, int n, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    write(dir, "train", n, rnd);
    write(dir, "t10k", Math.max(1, n / 4), rnd);
    return dir;
  }

  /** One image of class k as bytes, row by row. */
  static byte[] image(int k, SplittableRandom rnd) {
    byte[] px = new byte[SIDE * SIDE];
    for (int i = 0; i < px.length; i++) px[i] = (byte) rnd.nextInt(60);
    int top = 2 + (k / 4) * 9 + rnd.nextInt(2), left = 1 + (k % 4) * 7 + rnd.nextInt(2);
    for (int y = top; y < top + 6; y++) for (int x = left; x < Math.min(SIDE, left + 6); x++) px[y * SIDE + x] = (byte) (200 + rnd.nextInt(56));
    return px;
  }

  private static void write(Path dir, String prefix, int n, SplittableRandom rnd) throws IOException {
    Files.createDirectories(dir);
    try (DataOutputStream images = new DataOutputStream(out(dir.resolve(prefix + "-images-idx3-ubyte")));
         DataOutputStream labels = new DataOutputStream(out(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
      images.writeInt(0x803);
      images.writeInt(n);
      images.writeInt(SIDE);
      images.writeInt(SIDE);
      labels.writeInt(0x801);
      labels.writeInt(n);
      for (int i = 0; i < n; i++) {
        int k = i % CLASSES;
        images.write(image(k, rnd));
        labels.writeByte(k);
      }
    }
  }

  private static OutputStream out(Path p) throws IOException {
    return new java.io.BufferedOutputStream(Files.newOutputStream(p));
  }
}
