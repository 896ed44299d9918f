package dev.hubel.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Normalization;
import dev.hubel.tensor.Param;
import dev.hubel.zoo.LeNet5;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python reads what Hubel writes, with a reader that knows only the spec (read_safetensors.py:
 * struct, json, numpy), and sees the same names, shapes, metadata and bits. Skipped where Debian's
 * /usr/bin/python3 or its numpy is missing.
 */
class SafeTensorsPythonTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path READER = Path.of("src/test/python/read_safetensors.py");

  @TempDir Path dir;

  @BeforeAll
  static void needsPythonWithNumpy() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "no numpy for /usr/bin/python3");
  }

  @Test
  void pythonReadsTheNamesShapesMetadataAndBitsHubelWrote() throws Exception {
    Model m = LeNet5.build().initialize(Init.HE, 11)
        .setNormalization(new Normalization(new float[] {0.2860402f}, new float[] {0.3530239f}))
        .setClassNames(List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"));
    m.params().get(1).value()[0] = -0f;
    m.params().get(1).value()[1] = Float.MIN_VALUE;  // subnormal
    Path f = dir.resolve("lenet.safetensors");
    ModelFile.save(m, f);

    JsonNode seen = python(f);
    List<String> keys = new ArrayList<>();
    seen.get("header_keys").forEach(k -> keys.add(k.textValue()));
    List<String> expectedKeys = new ArrayList<>(List.of("__metadata__"));
    m.params().forEach(p -> expectedKeys.add(p.name()));
    assertThat(keys).isEqualTo(expectedKeys);

    Map<String, String> meta = new ObjectMapper().convertValue(seen.get("metadata"), new com.fasterxml.jackson.core.type.TypeReference<>() {});
    assertThat(meta).isEqualTo(ModelFile.metadata(m, ModelFile.MODEL_FORMAT));

    for (Param p : m.params()) {
      JsonNode t = seen.get("tensors").get(p.name());
      int[] shape = new int[t.get("shape").size()];
      for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).intValue();
      assertThat(shape).as(p.name()).isEqualTo(p.shape().dims());
      JsonNode values = t.get("values");
      assertThat(values.size()).isEqualTo(p.size());
      for (int i = 0; i < p.size(); i++) {
        float v = (float) values.get(i).doubleValue();  // float32 -> float64 -> text is exact both ways
        if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(p.value()[i])) {
          throw new AssertionError(p.name() + "[" + i + "]: Python read " + v + ", Hubel wrote " + p.value()[i]);
        }
      }
    }
  }

  @Test
  void pythonsReaderRefusesAFileThatBreaksTheSpec() throws Exception {
    // the check above is only worth something if the reader would notice a wrong layout
    Path f = dir.resolve("gap.safetensors");
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    Files.write(f, BadFiles.bytes(header + " ".repeat(-header.length() & 7), 8));  // aligned: only the gap is wrong
    Process p = start(f);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isNotZero();
    assertThat(out).contains("a starts at 4, expected 0");
  }

  private static Process start(Path file) throws IOException {
    return new ProcessBuilder(PYTHON.toString(), READER.toString(), file.toString()).redirectErrorStream(true).start();
  }

  private static JsonNode python(Path file) throws Exception {
    Process p = new ProcessBuilder(PYTHON.toString(), READER.toString(), file.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as("read_safetensors.py exit status").isZero();
    return new ObjectMapper().readTree(out);
  }
}
