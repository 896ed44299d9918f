package dev.hubel.io;

import static dev.hubel.io.BadFiles.bytes;
import static dev.hubel.io.BadFiles.withLength;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged or foreign files are refused when opened, before any tensor is read, with a message
 * that names the file and what is wrong. None of them makes the reader allocate what the file's
 * size does not back (the absurd lengths would otherwise ask for gigabytes).
 */
class SafeTensorsBadInputTest {
  @TempDir Path dir;

  private static String t(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }

  private static String header(String... tensors) {
    return "{" + String.join(",", tensors) + "}";
  }

  static Stream<Arguments> badFiles() {
    byte[] notUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
    return Stream.of(
        Arguments.of("empty file", new byte[0], "is 0 bytes long; a safetensors file starts with an 8-byte header length"),
        Arguments.of("shorter than 8 bytes", new byte[5], "is 5 bytes long; a safetensors file starts with an 8-byte header length"),
        Arguments.of("header length larger than the file", withLength(1000, "{}".getBytes(StandardCharsets.US_ASCII)),
            "header length 1000 is larger than the file (10 bytes, 2 after the length)"),
        Arguments.of("header length absurd", withLength(200L << 20, new byte[16]), "header length 209715200 is absurd (more than 100 MB)"),
        Arguments.of("header length with the top bit set", withLength(-1, new byte[16]), "header length 18446744073709551615 is absurd"),
        Arguments.of("header empty", withLength(0, new byte[0]), "header is empty; expected a JSON object of tensors"),
        Arguments.of("header only spaces", withLength(8, "        ".getBytes(StandardCharsets.US_ASCII)), "header is empty"),
        Arguments.of("header not UTF-8", withLength(notUtf8.length, notUtf8), "header is not UTF-8 text"),
        Arguments.of("header not JSON", bytes("{\"a\": [0, 4", 4), "header is not valid JSON"),
        Arguments.of("header two JSON values", bytes("{}{}", 0), "header is not valid JSON"),
        Arguments.of("header not an object", bytes("[1, 2]", 0), "header must be a JSON object of tensors, received [1,2]"),
        Arguments.of("same tensor twice", bytes(header(t("a", "F32", "[1]", 0, 4), t("a", "F32", "[1]", 4, 8)), 8),
            "Duplicate field 'a'"),
        Arguments.of("tensor not an object", bytes("{\"a\": 3}", 0), "tensor a must be an object with dtype, shape and data_offsets, received 3"),
        Arguments.of("dtype not F32", bytes(header(t("CONV1.weight", "F16", "[2]", 0, 4)), 4),
            "tensor CONV1.weight has dtype F16; Hubel reads only F32 (float32) tensors"),
        Arguments.of("no dtype", bytes("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor a has no dtype; expected \"F32\""),
        Arguments.of("shape not a list", bytes(header(t("a", "F32", "3", 0, 12)), 12), "tensor a has no shape; expected a list of dimensions"),
        Arguments.of("negative dimension", bytes(header(t("a", "F32", "[-1, 3]", 0, 12)), 12),
            "tensor a has shape [-1,3]; dimensions must be whole numbers from 0"),
        Arguments.of("data_offsets not two numbers", bytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", 4),
            "tensor a has data_offsets [4]; expected [begin, end]"),
        Arguments.of("data_offsets fractional", bytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0.5,4.5]}}", 4),
            "tensor a has data_offsets [0.5,4.5]; expected two byte offsets"),
        Arguments.of("data_offsets out of order", bytes(header(t("a", "F32", "[2]", 8, 0)), 8),
            "tensor a has data_offsets [8, 0] out of order; begin must not exceed end"),
        Arguments.of("data_offsets not shape x 4 bytes", bytes(header(t("a", "F32", "[3]", 0, 8)), 8),
            "tensor a: shape [3] needs 12 bytes (3 x 4), but data_offsets [0, 8] hold 8"),
        Arguments.of("overlapping tensors", bytes(header(t("a", "F32", "[2]", 0, 8), t("b", "F32", "[2]", 4, 12)), 12),
            "tensor b (bytes 4..12) overlaps tensor a (bytes 0..8)"),
        Arguments.of("gap between tensors", bytes(header(t("a", "F32", "[2]", 0, 8), t("b", "F32", "[2]", 12, 20)), 20),
            "bytes 8..12 of the data belong to no tensor (a gap after a); tensors must follow each other without gaps"),
        Arguments.of("data not starting at 0", bytes(header(t("a", "F32", "[2]", 4, 12)), 12), "bytes 0..4 of the data belong to no tensor;"),
        Arguments.of("tensor outside the data", bytes(header(t("a", "F32", "[4]", 0, 16)), 8),
            "tensor a has data_offsets [0, 16] outside the data, which is 8 bytes long"),
        Arguments.of("huge tensor in a small file", bytes(header(t("a", "F32", "[100000000]", 0, 400_000_000)), 8),
            "tensor a has data_offsets [0, 400000000] outside the data, which is 8 bytes long"),
        Arguments.of("tensor too large for Java", bytes(header(t("a", "F32", "[65536, 65536]", 0, 4L << 32)), 8),
            "tensor a with shape [65536, 65536] is too large for one Java array"),
        Arguments.of("bytes after the last tensor", bytes(header(t("a", "F32", "[2]", 0, 8)), 12),
            "the data after the header is 12 bytes long but its tensors cover 8"),
        Arguments.of("metadata not an object", bytes("{\"__metadata__\": [\"x\"]}", 0), "__metadata__ must be an object of strings, received [\"x\"]"),
        Arguments.of("metadata value not a string", bytes("{\"__metadata__\": {\"epoch\": 3}}", 0),
            "__metadata__ entry 'epoch' must be a string, received 3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void isRefusedWithTheFileAndTheReason(String what, byte[] content, String message) throws Exception {
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, content);
    assertThatThrownBy(() -> SafeTensors.open(f).close())
        .isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void aMissingFileIsNamed() {
    Path f = dir.resolve("nowhere.safetensors");
    assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(ModelFileException.class).hasMessage(f + ": no such file");
  }

  @Test
  void aFolderIsNotAFile() {
    assertThatThrownBy(() -> ModelFile.load(dir)).isInstanceOf(ModelFileException.class)
        .hasMessage(dir + ": is a folder; expected a safetensors file");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void isRefusedByModelFileAndCheckpointToo(String what, byte[] content, String message) throws Exception {
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, content);
    assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(ModelFileException.class).hasMessageContaining(message);
    assertThatThrownBy(() -> Checkpoint.load(f)).isInstanceOf(ModelFileException.class).hasMessageContaining(message);
  }
}
