package dev.hubel.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.model.Model;
import dev.hubel.zoo.LeNet5;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Well-formed safetensors files that are not a model Hubel can build: each row edits LeNet-5's
 * file in one way and expects a message that names the file, the tensor or key, and what is wrong.
 */
class ModelFileBadInputTest {
  @TempDir Path dir;

  private static Arguments row(String what, BiConsumer<Map<String, String>, List<SafeTensors.Entry>> edit, String message) {
    return Arguments.of(what, edit, message);
  }

  private static void replace(List<SafeTensors.Entry> tensors, String name, int... shape) {
    for (int i = 0; i < tensors.size(); i++) {
      SafeTensors.Entry e = tensors.get(i);
      if (e.name().equals(name)) tensors.set(i, new SafeTensors.Entry(name, shape, e.values()));
    }
  }

  static Stream<Arguments> badModels() {
    return Stream.of(
        row("no metadata", (m, t) -> m.clear(), "has no __metadata__; a Hubel model file keeps its architecture there"),
        row("no architecture", (m, t) -> m.remove("architecture"), "metadata has no 'architecture'; a Hubel model file needs it"),
        row("no name", (m, t) -> m.remove("name"), "metadata has no 'name'"),
        row("no format", (m, t) -> m.remove("format"), "metadata has no 'format'"),
        row("no format version", (m, t) -> m.remove("format_version"), "metadata has no 'format_version'"),
        row("another format", (m, t) -> m.put("format", "pt"), "metadata 'format' is 'pt'; expected hubel-model or hubel-checkpoint"),
        row("format version not a number", (m, t) -> m.put("format_version", "one"),
            "metadata 'format_version' is 'one'; expected a whole number from 1"),
        row("newer format version", (m, t) -> m.put("format_version", "2"),
            "was written by a newer Hubel (format version 2); this one reads version 1 and older"),
        row("architecture not JSON", (m, t) -> m.put("architecture", "[{\"name\": "),
            "metadata 'architecture' is not valid JSON (Unexpected end-of-input"),
        row("architecture not a list", (m, t) -> m.put("architecture", "{\"layers\": 3}"),
            "metadata 'architecture' must be a JSON list of layers, received {\"layers\":3}"),
        row("unknown architecture op", (m, t) -> m.put("architecture", m.get("architecture").replace("\"conv2d\"", "\"conv9d\"")),
            "cannot rebuild the architecture: architecture of LeNet-5, layer 1 (CONV1): unknown layer op 'conv9d'"),
        row("architecture that does not fit together", (m, t) -> m.put("architecture", m.get("architecture").replace("\"shape\":[1,32,32]", "\"shape\":[1,30,30]")),
            "cannot rebuild the architecture: "),
        row("missing tensor", (m, t) -> t.removeIf(e -> e.name().equals("FC4.bias")),
            "does not fit its architecture (LeNet-5): tensor FC4.bias [84] that the architecture needs is missing"),
        row("several missing tensors", (m, t) -> t.removeIf(e -> e.name().endsWith(".bias")),
            "tensor CONV1.bias [6] that the architecture needs is missing; tensor CONV2.bias [16]"),
        row("shape differs from the architecture's", (m, t) -> replace(t, "CONV1.weight", 6, 1, 25),
            "tensor CONV1.weight has shape [6, 1, 25] in the file; the architecture needs [6, 1, 5, 5]"),
        row("tensor the architecture lacks", (m, t) -> t.add(new SafeTensors.Entry("FC9.weight", new int[] {2}, new float[2])),
            "tensor FC9.weight is not part of the architecture"),
        row("optimiser state in a model file for no parameter", (m, t) -> t.add(new SafeTensors.Entry("optimizer.velocity.FC9.weight", new int[] {2}, new float[2])),
            "tensor optimizer.velocity.FC9.weight is not part of the architecture"),
        row("normalisation for other channels", (m, t) -> m.put("normalization", "{\"mean\": [0.5, 0.5], \"std\": [1, 1]}"),
            "metadata 'normalization' {\"mean\": [0.5, 0.5], \"std\": [1, 1]} does not fit: LeNet-5 takes 1 input channels; a normalisation for 2 does not fit it"),
        row("normalisation without std", (m, t) -> m.put("normalization", "{\"mean\": [0.5]}"), "needs a 'mean' and a 'std' list"),
        row("normalisation with zero std", (m, t) -> m.put("normalization", "{\"mean\": [0.5], \"std\": [0]}"),
            "does not fit: channel 0: std must be positive"),
        row("normalisation not JSON", (m, t) -> m.put("normalization", "0.5, 0.2"), "metadata 'normalization' is not valid JSON"),
        row("more class names than outputs", (m, t) -> m.put("class_names", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"]"),
            "metadata 'class_names' does not fit: LeNet-5 has 10 outputs; 11 class names do not fit it"),
        row("class names not a list", (m, t) -> m.put("class_names", "\"cat\""), "metadata 'class_names' must be a JSON list of strings, received \"cat\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badModels")
  void isRefusedWithTheFileAndTheReason(String what, BiConsumer<Map<String, String>, List<SafeTensors.Entry>> edit, String message) {
    Model lenet = LeNet5.build();
    Map<String, String> meta = new LinkedHashMap<>(ModelFile.metadata(lenet, ModelFile.MODEL_FORMAT));
    List<SafeTensors.Entry> tensors = new ArrayList<>(ModelFile.weights(lenet));
    edit.accept(meta, tensors);
    Path f = dir.resolve("bad.safetensors");
    SafeTensors.write(f, meta, tensors);
    assertThatThrownBy(() -> ModelFile.load(f))
        .isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining(message);
  }
}
