package dev.hubel.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hubel.io.SafeTensors.Info;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors header, parsed and checked before a single tensor byte is read: every entry is
 * float32 with a shape whose size matches its byte range, and the ranges tile the data section
 * exactly (in order, no overlap, no gap, nothing past the end or left over). Whatever the file
 * claims, nothing is allocated or read that the file's real size does not back.
 */
record SafeTensorsHeader(Map<String, String> metadata, List<Info> tensors) {
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static SafeTensorsHeader parse(Path file, byte[] bytes, long dataSize) {
    JsonNode root = json(file, bytes);
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Info> tensors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      JsonNode v = field.getValue();
      if (name.equals(SafeTensors.METADATA_KEY)) {
        if (!v.isObject()) throw new ModelFileException(file, "__metadata__ must be an object of strings, received " + JsonText.brief(v));
        for (Map.Entry<String, JsonNode> m : v.properties()) {
          if (!m.getValue().isTextual()) {
            throw new ModelFileException(file, "__metadata__ entry '" + m.getKey() + "' must be a string, received " + JsonText.brief(m.getValue()));
          }
          metadata.put(m.getKey(), m.getValue().textValue());
        }
      } else {
        tensors.add(tensor(file, name, v));
      }
    }
    return new SafeTensorsHeader(metadata, inDataOrder(file, tensors, dataSize));
  }

  private static JsonNode json(Path file, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ModelFileException(file, "header is not UTF-8 text; this is not a safetensors file or it is damaged");
    }
    if (text.isBlank()) throw new ModelFileException(file, "header is empty; expected a JSON object of tensors");
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new ModelFileException(file, "header is not valid JSON (" + JsonText.problem(e) + "); this is not a safetensors file or it is damaged", e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelFileException(file, "header must be a JSON object of tensors, received " + JsonText.brief(root));
    }
    return root;
  }

  private static Info tensor(Path file, String name, JsonNode v) {
    String where = "tensor " + name;
    if (!v.isObject()) throw new ModelFileException(file, where + " must be an object with dtype, shape and data_offsets, received " + JsonText.brief(v));
    JsonNode dtype = v.get("dtype");
    if (dtype == null || !dtype.isTextual()) throw new ModelFileException(file, where + " has no dtype; expected \"F32\"");
    if (!dtype.textValue().equals("F32")) {
      throw new ModelFileException(file, where + " has dtype " + dtype.textValue() + "; Hubel reads only F32 (float32) tensors");
    }
    int[] shape = shape(file, where, v.get("shape"));
    long[] offsets = offsets(file, where, v.get("data_offsets"));
    if (offsets[0] > offsets[1]) {
      throw new ModelFileException(file, where + " has data_offsets " + Arrays.toString(offsets) + " out of order; begin must not exceed end");
    }
    long elements = 1;
    for (int d : shape) {
      elements *= d;
      if (elements > Integer.MAX_VALUE - 8) {
        throw new ModelFileException(file, where + " with shape " + Arrays.toString(shape) + " is too large for one Java array");
      }
    }
    if (offsets[1] - offsets[0] != elements * Float.BYTES) {
      throw new ModelFileException(file, where + ": shape " + Arrays.toString(shape) + " needs " + elements * Float.BYTES + " bytes ("
          + elements + " x 4), but data_offsets " + Arrays.toString(offsets) + " hold " + (offsets[1] - offsets[0]));
    }
    return new Info(name, "F32", shape, offsets[0], offsets[1]);
  }

  private static int[] shape(Path file, String where, JsonNode v) {
    if (v == null || !v.isArray()) throw new ModelFileException(file, where + " has no shape; expected a list of dimensions");
    int[] shape = new int[v.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = v.get(i);
      if (!d.canConvertToExactIntegral() || !d.canConvertToInt() || d.asInt() < 0) {
        throw new ModelFileException(file, where + " has shape " + v + "; dimensions must be whole numbers from 0 to " + Integer.MAX_VALUE);
      }
      shape[i] = d.asInt();
    }
    return shape;
  }

  private static long[] offsets(Path file, String where, JsonNode v) {
    if (v == null || !v.isArray() || v.size() != 2) {
      throw new ModelFileException(file, where + " has data_offsets " + JsonText.brief(v) + "; expected [begin, end]");
    }
    long[] o = new long[2];
    for (int i = 0; i < 2; i++) {
      JsonNode x = v.get(i);
      if (!x.canConvertToExactIntegral() || !x.canConvertToLong() || x.asLong() < 0) {
        throw new ModelFileException(file, where + " has data_offsets " + v + "; expected two byte offsets, 0 or more");
      }
      o[i] = x.asLong();
    }
    return o;
  }

  /** The byte ranges, taken in order, must start at 0, follow on without gap or overlap, and end where the file does. */
  private static List<Info> inDataOrder(Path file, List<Info> tensors, long dataSize) {
    List<Info> byOffset = new ArrayList<>(tensors);
    byOffset.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
    long covered = 0;
    Info previous = null;
    for (Info t : byOffset) {
      if (t.end() > dataSize) {
        throw new ModelFileException(file, "tensor " + t.name() + " has data_offsets [" + t.begin() + ", " + t.end()
            + "] outside the data, which is " + dataSize + " bytes long; the file is truncated or its header is wrong");
      }
      if (t.begin() < covered) {
        throw new ModelFileException(file, "tensor " + t.name() + " (bytes " + t.begin() + ".." + t.end() + ") overlaps tensor "
            + previous.name() + " (bytes " + previous.begin() + ".." + previous.end() + ")");
      }
      if (t.begin() > covered) {
        throw new ModelFileException(file, "bytes " + covered + ".." + t.begin() + " of the data belong to no tensor"
            + (previous == null ? "" : " (a gap after " + previous.name() + ")") + "; tensors must follow each other without gaps");
      }
      covered = t.end();
      previous = t;
    }
    if (covered != dataSize) {
      throw new ModelFileException(file, "the data after the header is " + dataSize + " bytes long but its tensors cover "
          + covered + "; the header does not describe this file");
    }
    return byOffset;
  }
}
