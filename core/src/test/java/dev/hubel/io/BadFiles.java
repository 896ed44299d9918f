package dev.hubel.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-made safetensors bytes, right or wrong, for tests. */
final class BadFiles {
  private BadFiles() {}

  /** A header length, then {@code rest} (header and data) as given. */
  static byte[] withLength(long headerLength, byte[] rest) {
    ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(headerLength).put(rest);
    return b.array();
  }

  /** The header's text with its true length, then the values as little-endian floats. */
  static byte[] bytes(String header, float[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (float v : data) b.putFloat(v);
    return b.array();
  }

  /** As {@link #bytes(String, float[])} with {@code count} zero bytes of data. */
  static byte[] bytes(String header, int count) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + count).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return b.array();
  }
}
