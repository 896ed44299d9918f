package dev.hubel.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads chosen files out of a .tar.gz, enough for the CIFAR archives: 512-byte ustar headers
 * (name, octal size, type, checksum), contents padded to 512 bytes, two zero blocks at the end.
 * Entries are matched by their last path element, so the archive's top folder does not matter.
 * Nothing is written to disk, so a hostile archive cannot place files anywhere.
 */
final class Tar {

  private static final int BLOCK = 512;

  private Tar() {}

  /** The contents of the regular files whose base name is in {@code wanted}, by base name. */
  static Map<String, byte[]> read(Path archive, Set<String> wanted) {
    Map<String, byte[]> found = new HashMap<>();
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
      byte[] header = new byte[BLOCK];
      long offset = 0;
      while (true) {
        int got = in.readNBytes(header, 0, BLOCK);
        // two zero blocks end an archive; some writers just stop at a block boundary
        if (got == 0 || (got == BLOCK && allZero(header))) return found;
        if (got < BLOCK) throw new EOFException();
        requireChecksum(archive, header, offset);
        String name = name(header);
        long size = octal(archive, header, 124, 12, offset);
        byte type = header[156];
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        String base = name.substring(name.lastIndexOf('/', name.length() - 2) + 1);
        boolean regular = type == '0' || type == 0;
        if (regular && wanted.contains(base) && !found.containsKey(base)) {
          if (size > Integer.MAX_VALUE - 8) {
            throw new DataException(archive + ": entry " + name + " is " + size + " bytes, too large to read into memory");
          }
          byte[] content = in.readNBytes((int) size);
          if (content.length < size) throw new EOFException();
          found.put(base, content);
          in.skipNBytes(padded - size);
        } else {
          in.skipNBytes(padded);
        }
        offset += BLOCK + padded;
      }
    } catch (NoSuchFileException e) {
      throw new DataException(archive + " not found; expected a .tar.gz archive", e);
    } catch (EOFException e) {
      throw new DataException(
          archive + ": the archive ends in the middle of an entry; expected a complete .tar.gz"
              + " (the download may be cut short)", e);
    } catch (ZipException e) {
      throw new DataException(
          archive + " is not a valid gzip stream (" + e.getMessage() + "); expected a .tar.gz archive", e);
    } catch (IOException e) {
      throw new DataException(archive + " could not be read (" + e + "); expected a readable .tar.gz archive", e);
    }
  }

  /** ustar splits long names into a prefix (bytes 345..499) and a name (bytes 0..99). */
  private static String name(byte[] header) {
    String name = field(header, 0, 100);
    boolean ustar = field(header, 257, 5).equals("ustar");
    String prefix = ustar ? field(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String field(byte[] header, int from, int length) {
    int end = from;
    while (end < from + length && header[end] != 0) end++;
    return new String(header, from, end - from, StandardCharsets.UTF_8);
  }

  private static long octal(Path archive, byte[] header, int from, int length, long offset) {
    String text = field(header, from, length).strip();
    try {
      return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    } catch (NumberFormatException e) {
      throw new DataException(
          archive + ": the tar header at byte " + offset + " has size \"" + text
              + "\"; expected an octal number: the archive is corrupt");
    }
  }

  /** The header's bytes summed with the checksum field read as spaces: catches garbage early. */
  private static void requireChecksum(Path archive, byte[] header, long offset) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
    long stored = octal(archive, header, 148, 8, offset);
    if (stored != sum) {
      throw new DataException(
          archive + ": the tar header at byte " + offset + " has checksum " + stored
              + " but its bytes sum to " + sum + "; expected a valid tar archive inside the gzip");
    }
  }

  private static boolean allZero(byte[] block) {
    for (byte b : block) if (b != 0) return false;
    return true;
  }
}
