package dev.hubel.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format MNIST and Fashion-MNIST are distributed in: a 4-byte magic
 * (two zero bytes, a type byte, a dimension count), one big-endian int32 per dimension, then
 * the data. Files may be gzipped or raw; gzip is recognised by its magic bytes, not by the file
 * name, because people gunzip files and keep the name or the other way round.
 *
 * <p>Every failure is a {@link DataException} naming the file; no EOFException or
 * ArrayIndexOutOfBoundsException escapes, since those say nothing about which file is broken.
 */
public final class Idx {

  /** Unsigned bytes, 3 dimensions: (count, rows, cols). */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Unsigned bytes, 1 dimension: (count). */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int GZIP_BUFFER = 1 << 16;

  private Idx() {}

  /** Images as stored: {@code count} images of {@code rows x cols} unsigned bytes, row-major. */
  public record Images(Path file, int count, int rows, int cols, byte[] pixels) {

    /** Pixel values scaled from 0..255 to [0, 1], in the same order. */
    public float[] unitPixels() {
      float[] table = new float[256];
      for (int v = 0; v < 256; v++) table[v] = v / 255f;
      float[] out = new float[pixels.length];
      for (int i = 0; i < pixels.length; i++) out[i] = table[pixels[i] & 0xFF];
      return out;
    }
  }

  /** Reads an unsigned-byte image file (magic 0x00000803). */
  public static Images readImages(Path file) {
    Content c = read(file);
    c.requireMagic(IMAGES_MAGIC, "unsigned-byte images, 3 dimensions");
    int count = c.dimension(0, "image count");
    int rows = c.dimension(1, "rows");
    int cols = c.dimension(2, "columns");
    if (rows == 0 || cols == 0) {
      throw new DataException(
          c.where() + " declares images of " + rows + "x" + cols
              + " pixels; an image needs at least one row and one column");
    }
    long expected = (long) count * rows * cols;
    byte[] pixels =
        c.payload(expected, "declares " + count + " images of " + rows + "x" + cols + " = " + expected + " bytes");
    return new Images(file, count, rows, cols, pixels);
  }

  /** Reads an unsigned-byte label file (magic 0x00000801), without checking the label range. */
  public static int[] readLabels(Path file) {
    Content c = read(file);
    c.requireMagic(LABELS_MAGIC, "unsigned-byte labels, 1 dimension");
    int count = c.dimension(0, "label count");
    byte[] raw = c.payload(count, "declares " + count + " labels = " + count + " bytes");
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) labels[i] = raw[i] & 0xFF;
    return labels;
  }

  /** Reads a label file and checks that every label is a class index in 0..classes-1. */
  public static int[] readLabels(Path file, int classes) {
    int[] labels = readLabels(file);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= classes) {
        throw new DataException(
            file + ": label " + labels[i] + " at index " + i + " is outside 0.." + (classes - 1)
                + "; every label must be a class index below " + classes);
      }
    }
    return labels;
  }

  /** The decoded bytes of a file, plus what is needed to name it in errors. */
  private record Content(Path file, boolean gzipped, byte[] bytes) {

    String where() {
      return file.toString();
    }

    /** "the file" or "the decompressed file": sizes in messages refer to the decoded bytes. */
    String theFile() {
      return gzipped ? "the decompressed file" : "the file";
    }

    void requireMagic(int expected, String meaning) {
      if (bytes.length < 4) {
        throw new DataException(
            where() + ": " + theFile() + " ends after " + bytes.length
                + " bytes, before the 4-byte IDX magic; expected magic "
                + hex(expected) + " (" + meaning + ")");
      }
      int found = intAt(0);
      if (found != expected) {
        throw new DataException(
            where() + ": expected magic " + hex(expected) + " (" + meaning + "), found "
                + hex(found) + " (" + describe(found) + ")");
      }
    }

    int dimension(int index, String what) {
      int offset = 4 + 4 * index;
      int headerBytes = 4 + 4 * (bytes[3] & 0xFF);
      if (bytes.length < offset + 4) {
        throw new DataException(
            where() + ": " + theFile() + " ends after " + bytes.length + " bytes, inside the "
                + headerBytes + "-byte header; expected the " + what + " at bytes " + offset
                + ".." + (offset + 3));
      }
      int d = intAt(offset);
      if (d < 0) {
        throw new DataException(
            where() + ": the " + what + " in the header reads " + Integer.toUnsignedLong(d)
                + ", too large for one Java array; expected a dimension below 2^31");
      }
      return d;
    }

    /** The data after the header, which must be exactly {@code expected} bytes long. */
    byte[] payload(long expected, String declaration) {
      int header = 4 + 4 * (bytes[3] & 0xFF);
      long actual = bytes.length - header;
      if (expected > Integer.MAX_VALUE - 8) {
        throw new DataException(
            where() + " " + declaration + ", too many for one Java array (at most "
                + (Integer.MAX_VALUE - 8) + ")");
      }
      if (actual < expected) {
        throw new DataException(
            where() + " " + declaration + ", but " + theFile() + " ends after " + bytes.length
                + " bytes (" + header + "-byte header + " + actual
                + "); expected " + (header + expected) + " bytes: the file is truncated");
      }
      if (actual > expected) {
        throw new DataException(
            where() + " " + declaration + ", but " + (actual - expected)
                + " bytes of trailing garbage follow them; expected " + theFile() + " to end after "
                + (header + expected) + " bytes");
      }
      byte[] out = new byte[(int) expected];
      System.arraycopy(bytes, header, out, 0, out.length);
      return out;
    }

    private int intAt(int offset) {
      return ((bytes[offset] & 0xFF) << 24)
          | ((bytes[offset + 1] & 0xFF) << 16)
          | ((bytes[offset + 2] & 0xFF) << 8)
          | (bytes[offset + 3] & 0xFF);
    }
  }

  private static Content read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DataException(file + " not found; expected an IDX file (MNIST format), raw or gzipped", e);
    } catch (IOException e) {
      throw new DataException(file + " could not be read (" + e + "); expected a readable IDX file", e);
    }
    boolean gzipped = bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1f && (bytes[1] & 0xFF) == 0x8b;
    if (!gzipped) return new Content(file, false, bytes);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), GZIP_BUFFER)) {
      return new Content(file, true, in.readAllBytes());
    } catch (IOException e) {
      throw new DataException(
          file + " starts with the gzip magic bytes 1f 8b but is not a valid gzip stream ("
              + e.getMessage() + "); expected a complete gzip file or a raw IDX file", e);
    }
  }

  private static String hex(int v) {
    return String.format("0x%08X", v);
  }

  /** What a magic number would mean, to tell a label file read as images from plain garbage. */
  private static String describe(int magic) {
    if ((magic >>> 16) != 0) return "not an IDX file: an IDX magic starts with two zero bytes";
    String type =
        switch ((magic >>> 8) & 0xFF) {
          case 0x08 -> "unsigned-byte";
          case 0x09 -> "signed-byte";
          case 0x0B -> "short";
          case 0x0C -> "int";
          case 0x0D -> "float";
          case 0x0E -> "double";
          default -> "unknown type 0x" + String.format("%02X", (magic >>> 8) & 0xFF);
        };
    int dims = magic & 0xFF;
    return type + ", " + dims + (dims == 1 ? " dimension" : " dimensions");
  }
}
