package dev.hubel.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Builds IDX file contents byte by byte, independently of the reader under test. */
final class IdxBytes {

  private IdxBytes() {}

  static byte[] images(int count, int rows, int cols, int... pixels) {
    return withHeader(Idx.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
  }

  static byte[] labels(int... labels) {
    return withHeader(Idx.LABELS_MAGIC, new int[] {labels.length}, labels);
  }

  static byte[] withHeader(int magic, int[] dims, int[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
    b.putInt(magic);
    for (int d : dims) b.putInt(d);
    for (int v : data) b.put((byte) v);
    return b.array();
  }

  static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] prefix(byte[] a, int n) {
    byte[] out = new byte[n];
    System.arraycopy(a, 0, out, 0, n);
    return out;
  }
}
