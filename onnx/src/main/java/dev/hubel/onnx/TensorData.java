package dev.hubel.onnx;

import com.google.protobuf.ByteString;
import dev.hubel.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.hubel.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An ONNX tensor's values, in and out. Reading checks the declared shape against the data that is
 * there (raw bytes, a typed list, or a file beside the model) before anything is allocated for it,
 * and reads an external file only inside the model's folder and only within the file's length.
 */
final class TensorData {
  private TensorData() {}

  /** The largest tensor read: Java arrays are indexed by int. */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** A tensor of floats, raw little-endian bytes as exporters write weights. */
  static TensorProto floats(String name, int[] dims, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(b.array()));
    for (int d : dims) t.addDims(d);
    return t.build();
  }

  static TensorProto longs(String name, int[] dims, long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
    for (int d : dims) t.addDims(d);
    for (long v : values) t.addInt64Data(v);
    return t.build();
  }

  /**
   * The tensor's values.
   *
   * @param folder the model's folder, where external data may lie; null when the model came from bytes
   * @param where  what the messages say it is ("model.onnx: initializer conv1.weight")
   */
  static Constant read(TensorProto t, Path folder, String where) {
    int[] dims = dims(t, where);
    long elements = 1;
    for (int d : dims) elements *= d;  // each dim <= MAX_ELEMENTS and the product checked as it grows in dims()
    int n = (int) elements;
    TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
    int width = switch (type == null ? TensorProto.DataType.UNDEFINED : type) {
      case FLOAT, INT32 -> 4;
      case INT64, DOUBLE -> 8;
      default -> throw new OnnxException(where + ": element type " + (type == null ? "number " + t.getDataType() : type.name())
          + " is not supported; Hubel reads FLOAT, DOUBLE, INT32 and INT64 tensors");
    };
    if ((long) n * width > MAX_ELEMENTS) {
      throw new OnnxException(where + ": shape " + Arrays.toString(dims) + " of " + type.name() + " is more than " + MAX_ELEMENTS
          + " bytes; Hubel reads tensors up to that size");
    }
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      return fromBytes(type, dims, external(t, folder, (long) n * width, where), where);
    }
    if (t.hasRawData()) {
      ByteString raw = t.getRawData();
      if (raw.size() != (long) n * width) {
        throw new OnnxException(where + ": declares shape " + Arrays.toString(dims) + " of " + type.name() + " (" + n * (long) width
            + " bytes) but holds " + raw.size() + " bytes of raw data");
      }
      return fromBytes(type, dims, raw.asReadOnlyByteBuffer(), where);
    }
    int held = switch (type) {
      case FLOAT -> t.getFloatDataCount();
      case INT32 -> t.getInt32DataCount();
      case INT64 -> t.getInt64DataCount();
      default -> t.getDoubleDataCount();
    };
    if (held != n) {
      throw new OnnxException(where + ": declares shape " + Arrays.toString(dims) + " (" + n + " values) but holds " + held + " values");
    }
    switch (type) {
      case FLOAT -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = t.getFloatData(i);
        return Constant.floats(dims, f);
      }
      case DOUBLE -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) t.getDoubleData(i);
        return Constant.floats(dims, f);
      }
      case INT32 -> {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = t.getInt32Data(i);
        return Constant.longs(dims, l);
      }
      default -> {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = t.getInt64Data(i);
        return Constant.longs(dims, l);
      }
    }
  }

  private static int[] dims(TensorProto t, String where) {
    int[] dims = new int[t.getDimsCount()];
    long elements = 1;
    for (int i = 0; i < dims.length; i++) {
      long d = t.getDims(i);
      if (d < 0 || d > MAX_ELEMENTS) {
        throw new OnnxException(where + ": dimension " + i + " is " + d + "; a tensor's dimensions must be 0 to " + MAX_ELEMENTS);
      }
      elements *= d;
      if (elements > MAX_ELEMENTS) {
        throw new OnnxException(where + ": shape " + t.getDimsList() + " holds more than " + MAX_ELEMENTS + " values; Hubel reads tensors up to that size");
      }
      dims[i] = (int) d;
    }
    return dims;
  }

  private static Constant fromBytes(TensorProto.DataType type, int[] dims, ByteBuffer bytes, String where) {
    ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case FLOAT -> {
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return Constant.floats(dims, f);
      }
      case DOUBLE -> {
        float[] f = new float[b.remaining() / 8];
        for (int i = 0; i < f.length; i++) f[i] = (float) b.getDouble(i * 8);
        return Constant.floats(dims, f);
      }
      case INT32 -> {
        long[] l = new long[b.remaining() / 4];
        for (int i = 0; i < l.length; i++) l[i] = b.getInt(i * 4);
        return Constant.longs(dims, l);
      }
      case INT64 -> {
        long[] l = new long[b.remaining() / 8];
        b.asLongBuffer().get(l);
        return Constant.longs(dims, l);
      }
      default -> throw new OnnxException(where + ": element type " + type.name() + " is not supported");
    }
  }

  /**
   * The bytes of a tensor stored in a file beside the model (ONNX's external data: location,
   * offset, length). The location must name a file inside the model's folder, and the bytes must
   * lie within it and be exactly as many as the shape needs.
   */
  private static ByteBuffer external(TensorProto t, Path folder, long expected, String where) {
    String location = null;
    long offset = 0, length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = number(e, where);
        case "length" -> length = number(e, where);
        default -> { } // checksum and others: not needed to read the values
      }
    }
    if (location == null || location.isEmpty()) throw new OnnxException(where + ": its data is external but names no 'location' file");
    if (folder == null) {
      throw new OnnxException(where + ": its data lies in the file '" + location + "' beside the model; read the model from its file so that the file can be found");
    }
    Path base = folder.toAbsolutePath().normalize();
    Path file;
    try {
      Path rel = Path.of(location);
      file = base.resolve(rel).normalize();
      if (rel.isAbsolute() || !file.startsWith(base) || file.equals(base)) throw new InvalidPathException(location, "outside");
      if (Files.exists(file) && !file.toRealPath().startsWith(base.toRealPath())) throw new InvalidPathException(location, "outside");
    } catch (InvalidPathException | IOException e) {
      throw new OnnxException(where + ": its external data location '" + location + "' points outside the model's folder " + base
          + "; only files in that folder (or below it) are read");
    }
    if (!Files.isRegularFile(file)) throw new OnnxException(where + ": its external data file " + file + " does not exist");
    if (length >= 0 && length != expected) {
      throw new OnnxException(where + ": its external data is " + length + " bytes long; its shape needs " + expected);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset > size || expected > size - offset) {
        throw new OnnxException(where + ": its external data, " + expected + " bytes from offset " + offset + ", runs past the end of "
            + file + " (" + size + " bytes)");
      }
      ByteBuffer b = ByteBuffer.allocate((int) expected);
      while (b.hasRemaining()) {
        if (ch.read(b, offset + b.position()) < 0) throw new OnnxException(where + ": " + file + " ended early");
      }
      return b.flip();
    } catch (IOException e) {
      throw new OnnxException(where + ": cannot read its external data from " + file + ": " + e, e);
    }
  }

  private static long number(StringStringEntryProto e, String where) {
    try {
      long v = Long.parseLong(e.getValue());
      if (v >= 0) return v;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new OnnxException(where + ": external data '" + e.getKey() + "' is '" + e.getValue() + "'; expected a whole number of bytes, 0 or more");
  }
}
