package dev.hubel.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The bytes Hubel writes, checked against the safetensors spec by hand, and read back. */
class SafeTensorsTest {
  @TempDir Path dir;

  @Test
  void bytesFollowTheSpec() throws Exception {
    float[] a = {1.5f, -2f, 3.25f, Float.MIN_VALUE, -0f, Float.MAX_VALUE};
    float[] b = {7f, 8f};
    Path f = dir.resolve("spec.safetensors");
    SafeTensors.write(f, Map.of("note", "größe"), List.of(
        new SafeTensors.Entry("A.weight", new int[] {2, 3}, a), new SafeTensors.Entry("A.bias", new int[] {2}, b)));

    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = le.getLong(0);
    assertThat((8 + n) % 8).as("data starts 8-byte aligned").isZero();
    assertThat(bytes.length).isEqualTo(8 + n + 4 * (a.length + b.length));
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertThat(header).startsWith("{");
    String padding = header.substring(header.lastIndexOf('}') + 1);
    assertThat(padding).matches(" {0,7}");

    JsonNode root = new ObjectMapper().readTree(header);
    assertThat(root.get("__metadata__").get("note").textValue()).isEqualTo("größe");
    assertThat(root.get("A.weight").toString()).isEqualTo("{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}");
    assertThat(root.get("A.bias").toString()).isEqualTo("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}");
    int data = 8 + (int) n;
    for (int i = 0; i < a.length; i++) {
      assertThat(Float.floatToRawIntBits(le.getFloat(data + 4 * i))).as("A.weight[%d]", i).isEqualTo(Float.floatToRawIntBits(a[i]));
    }
    assertThat(le.getFloat(data + 24)).isEqualTo(7f);
    assertThat(le.getFloat(data + 28)).isEqualTo(8f);
  }

  @Test
  void readsBackWhatItWroteAcrossChunksAndEmptyTensors() {
    float[] big = new float[700_000];  // 2.8 MB: crosses the 1 MB streaming buffer three times
    for (int i = 0; i < big.length; i++) big[i] = (float) Math.sin(i) * i;
    float[] scalar = {42f};
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("b", "2");
    meta.put("a", "1");
    Path f = dir.resolve("chunks.safetensors");
    SafeTensors.write(f, meta, List.of(
        new SafeTensors.Entry("big", new int[] {700, 1000}, big),
        new SafeTensors.Entry("empty", new int[] {0, 5}, new float[0]),
        new SafeTensors.Entry("scalar", new int[] {}, scalar)));
    try (SafeTensors st = SafeTensors.open(f)) {
      assertThat(st.metadata()).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
      assertThat(st.tensors()).extracting(SafeTensors.Info::name).containsExactly("big", "empty", "scalar");
      assertThat(st.info("big").shape()).containsExactly(700, 1000);
      assertThat(st.read("big")).isEqualTo(big);
      assertThat(st.read("empty")).isEmpty();
      assertThat(st.info("scalar").shape()).isEmpty();
      assertThat(st.read("scalar")).containsExactly(42f);
      assertThat(st.info("missing")).isNull();
    }
  }

  @Test
  void readsTensorsStoredInAnotherOrderThanTheHeaderLists() throws Exception {
    // the header lists b first, but a's data comes first: offsets, not key order, place the data
    String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    Path f = dir.resolve("order.safetensors");
    Files.write(f, BadFiles.bytes(header, new float[] {1f, 2f}));
    try (SafeTensors st = SafeTensors.open(f)) {
      assertThat(st.metadata()).isEmpty();
      assertThat(st.tensors()).extracting(SafeTensors.Info::name).containsExactly("a", "b");
      assertThat(st.read("a")).containsExactly(1f);
      assertThat(st.read("b")).containsExactly(2f);
    }
  }

  static Stream<Arguments> entriesThatDoNotAddUp() {
    return Stream.of(
        Arguments.of("shape and values disagree", (Runnable) () -> new SafeTensors.Entry("a", new int[] {2, 3}, new float[5]),
            "tensor a: shape [2, 3] holds 6 values, received 5"),
        Arguments.of("negative dimension", (Runnable) () -> new SafeTensors.Entry("a", new int[] {-2, -3}, new float[6]),
            "tensor a: shape [-2, -3] has a negative dimension"),
        Arguments.of("same name twice", (Runnable) () -> SafeTensors.header(Map.of(),
            List.of(new SafeTensors.Entry("a", new int[] {1}, new float[1]), new SafeTensors.Entry("a", new int[] {1}, new float[1]))),
            "tensor name a is used twice or reserved"),
        Arguments.of("the metadata's name", (Runnable) () -> SafeTensors.header(Map.of(),
            List.of(new SafeTensors.Entry("__metadata__", new int[] {1}, new float[1]))),
            "tensor name __metadata__ is used twice or reserved"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entriesThatDoNotAddUp")
  void entriesThatDoNotAddUpAreRefusedBeforeWriting(String what, Runnable make, String message) {
    assertThatThrownBy(make::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
