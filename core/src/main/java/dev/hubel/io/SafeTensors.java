package dev.hubel.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The safetensors format (Hugging Face), float32 only: an 8-byte little-endian header length N;
 * N bytes of UTF-8 JSON, {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * "__metadata__": {string: string}}}, padded with spaces to a multiple of 8; then the tensors'
 * little-endian bytes, one after another, offsets counted from the end of the header.
 *
 * <p>Values stream through one small buffer in both directions: a 550 MB model is never copied
 * whole. Open a file to read its header (checked in full before anything else is read), then read
 * the tensors you need; close it when done. An open file is not thread-safe (it reads through one buffer).
 */
public final class SafeTensors implements AutoCloseable {
  /** A header larger than this is refused before anything is allocated for it. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
  public static final String METADATA_KEY = "__metadata__";
  private static final int CHUNK = 1 << 20;

  /** A tensor to write: its name, its shape (PyTorch's order, outermost first) and its values. */
  public record Entry(String name, int[] shape, float[] values) {
    public Entry {
      long elements = 1;
      for (int d : shape) {
        if (d < 0) throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " has a negative dimension");
        elements *= d;
      }
      if (elements != values.length) {
        throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + elements
            + " values, received " + values.length);
      }
    }
  }

  /** A tensor in a file: its shape and where its bytes lie, counted from the start of the data. */
  public record Info(String name, String dtype, int[] shape, long begin, long end) {
    public int elements() {
      return (int) ((end - begin) / Float.BYTES);
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, String> metadata;
  private final Map<String, Info> tensors;  // in the order of their data
  private ByteBuffer buffer;

  private SafeTensors(Path file, FileChannel channel, long dataStart, SafeTensorsHeader header) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.metadata = header.metadata();
    Map<String, Info> byName = new LinkedHashMap<>();
    for (Info t : header.tensors()) byName.put(t.name(), t);
    this.tensors = byName;
  }

  /** Opens a file and checks its header: the tensors' types, shapes and offsets against each other and the file's size. */
  public static SafeTensors open(Path file) {
    if (Files.isDirectory(file)) throw new ModelFileException(file, "is a folder; expected a safetensors file");
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ModelFileException(file, "no such file");
    } catch (IOException e) {
      throw new ModelFileException(file, "cannot open: " + e, e);
    }
    try {
      long size = channel.size();
      if (size < Long.BYTES) {
        throw new ModelFileException(file, "is " + size + " bytes long; a safetensors file starts with an 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      readFully(file, channel, lengthBytes, 0);
      long n = lengthBytes.getLong(0);
      if (n < 0 || n > MAX_HEADER_BYTES) {
        throw new ModelFileException(file, "header length " + Long.toUnsignedString(n) + " is absurd (more than "
            + MAX_HEADER_BYTES / (1024 * 1024) + " MB); this is not a safetensors file or it is damaged");
      }
      if (n > size - Long.BYTES) {
        throw new ModelFileException(file, "header length " + n + " is larger than the file (" + size
            + " bytes, " + (size - Long.BYTES) + " after the length); the file is truncated or not safetensors");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
      readFully(file, channel, headerBytes, Long.BYTES);
      long dataStart = Long.BYTES + n;
      SafeTensorsHeader header = SafeTensorsHeader.parse(file, headerBytes.array(), size - dataStart);
      return new SafeTensors(file, channel, dataStart, header);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new ModelFileException(file, "cannot read: " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  /** The header's {@code __metadata__}: empty if it had none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Every tensor, in the order of its data. */
  public List<Info> tensors() {
    return List.copyOf(tensors.values());
  }

  /** The tensor of that name, or null if the file has none. */
  public Info info(String name) {
    return tensors.get(name);
  }

  /** A tensor's values, in a new array (its size was checked against the file when it was opened). */
  public float[] read(String name) {
    float[] values = new float[require(name).elements()];
    read(name, values);
    return values;
  }

  /** Reads a tensor's values into {@code into}, which must be exactly its size. */
  public void read(String name, float[] into) {
    Info t = require(name);
    if (into.length != t.elements()) {
      throw new IllegalArgumentException(file + ": tensor " + name + " holds " + t.elements() + " values, the array "
          + into.length);
    }
    if (buffer == null) buffer = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    long at = dataStart + t.begin();
    try {
      for (int done = 0; done < into.length; ) {
        int n = Math.min(CHUNK / Float.BYTES, into.length - done);
        buffer.clear().limit(n * Float.BYTES);
        readFully(file, channel, buffer, at);
        buffer.flip();
        buffer.asFloatBuffer().get(into, done, n);
        done += n;
        at += (long) n * Float.BYTES;
      }
    } catch (IOException e) {
      throw new ModelFileException(file, "cannot read tensor " + name + ": " + e, e);
    }
  }

  private Info require(String name) {
    Info t = tensors.get(name);
    if (t == null) throw new ModelFileException(file, "has no tensor " + name);
    return t;
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  /**
   * Writes a safetensors file atomically ({@link AtomicFile}): tensors in the order given, their
   * data one after another; metadata first in the header.
   */
  public static void write(Path file, Map<String, String> metadata, List<Entry> tensors) {
    byte[] header = header(metadata, tensors);
    AtomicFile.write(file, channel -> {
      ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      buf.putLong(header.length).flip();
      writeFully(channel, buf);
      writeFully(channel, ByteBuffer.wrap(header));
      for (Entry e : tensors) {
        float[] v = e.values();
        for (int done = 0; done < v.length; ) {
          int n = Math.min(CHUNK / Float.BYTES, v.length - done);
          buf.clear();
          buf.asFloatBuffer().put(v, done, n);
          buf.limit(n * Float.BYTES);
          writeFully(channel, buf);
          done += n;
        }
      }
    });
  }

  /** The header's JSON in UTF-8, padded with spaces so that the data starts at a multiple of 8 bytes. */
  static byte[] header(Map<String, String> metadata, List<Entry> tensors) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(METADATA_KEY);
      metadata.forEach(meta::put);
    }
    Set<String> names = new HashSet<>();
    long offset = 0;
    for (Entry e : tensors) {
      if (e.name().equals(METADATA_KEY) || !names.add(e.name())) {
        throw new IllegalArgumentException("tensor name " + e.name() + " is used twice or reserved");
      }
      ObjectNode t = root.putObject(e.name());
      t.put("dtype", "F32");
      ArrayNode shape = t.putArray("shape");
      for (int d : e.shape()) shape.add(d);
      long end = offset + (long) e.values().length * Float.BYTES;
      t.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] text = root.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + 7) & ~7;
    byte[] out = Arrays.copyOf(text, padded);
    Arrays.fill(out, text.length, padded, (byte) ' ');
    return out;
  }

  private static void readFully(Path file, FileChannel channel, ByteBuffer into, long at) throws IOException {
    // positions count from the buffer's start, which every caller leaves at 0
    while (into.hasRemaining()) {
      if (channel.read(into, at + into.position()) < 0) {
        throw new ModelFileException(file, "ends at byte " + (at + into.position()) + ", before the data its header promises;"
            + " it was cut short while being read");
      }
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer from) throws IOException {
    while (from.hasRemaining()) channel.write(from);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was written through it
    }
  }
}
