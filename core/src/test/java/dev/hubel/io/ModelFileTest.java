package dev.hubel.io;

import static dev.hubel.model.Layers.avgPool;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.flatten;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.model.Architecture;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Normalization;
import dev.hubel.model.Plan;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Param;
import dev.hubel.zoo.LeNet5;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelFileTest {
  @TempDir Path dir;

  static Model mixed() {
    Node x = input(3, 15, 15);
    x = relu(conv2d(x, 4, 3, 5, 2, 1, Fit.FLOOR));
    x = maxPool(x, 3, 2, 1, Fit.CEIL);
    x = avgPool(x, 2, 1);
    x = dense(flatten(x), 7);
    return Model.of("mixed", x);
  }

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of(LeNet5.build().initialize(Init.HE, 3)
            .setNormalization(new Normalization(new float[] {0.2860402f}, new float[] {0.3530239f}))
            .setClassNames(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot"))),
        Arguments.of(mixed().initialize(Init.XAVIER, 5)),
        Arguments.of(mixed().initialize(Init.HE, 6)
            .setNormalization(new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}))
            .setClassNames(List.of("one", "zwei", "三"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void roundTripsWeightsArchitectureNormalizationAndClassNames(Model m) {
    Path f = dir.resolve("model.safetensors");
    ModelFile.save(m, f);
    Model again = ModelFile.load(f);
    assertThat(again.name()).isEqualTo(m.name());
    assertThat(again.summary()).isEqualTo(m.summary());
    assertThat(Architecture.describe(again)).isEqualTo(Architecture.describe(m));
    assertThat(again.normalization()).isEqualTo(m.normalization());
    assertThat(again.classNames()).isEqualTo(m.classNames());
    assertThat(again.params()).hasSameSizeAs(m.params());
    for (int i = 0; i < m.params().size(); i++) {
      Param p = m.params().get(i), q = again.params().get(i);
      assertThat(q.name()).isEqualTo(p.name());
      assertThat(q.value()).as(p.name()).isEqualTo(p.value());
    }
    // and it computes the same
    float[] example = new float[m.inputShape().size()];
    for (int i = 0; i < example.length; i++) example[i] = (float) Math.cos(i);
    assertThat(again.predict(example)).isEqualTo(m.predict(example));
  }

  @Test
  void aSecondSaveReplacesTheFirstAndLeavesNoTemporaryFiles() throws Exception {
    Path f = dir.resolve("lenet.safetensors");
    ModelFile.save(LeNet5.build().initialize(Init.HE, 1), f);
    Model second = LeNet5.build().initialize(Init.HE, 2);
    ModelFile.save(second, f);
    assertThat(ModelFile.load(f).params().get(0).value()).isEqualTo(second.params().get(0).value());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
  }

  /** Python wrote this file by the spec with numpy (make_safetensors_fixture.py); PyTorch computed the logits from the same weights. */
  @Test
  void readsAFileWrittenByPythonAndComputesPyTorchsLogits() throws Exception {
    Model m = ModelFile.load(Path.of("src/test/resources/safetensors/tiny_from_python.safetensors"));
    JsonNode expected;
    try (InputStream in = ModelFileTest.class.getResourceAsStream("/safetensors/tiny_from_python.json")) {
      expected = new ObjectMapper().readTree(in);
    }
    assertThat(m.name()).isEqualTo("tiny-from-python");
    assertThat(m.classNames()).containsExactly("cat", "dog", "bird", "fish");
    assertThat(m.normalization()).isEqualTo(new Normalization(new float[] {0.5f, 0.25f}, new float[] {0.2f, 0.4f}));
    Param bias = m.params().stream().filter(p -> p.name().equals("FC2.bias")).findFirst().orElseThrow();
    for (int i = 0; i < 4; i++) assertThat(bias.value()[i]).isEqualTo((float) expected.get("FC2.bias").get(i).doubleValue());

    float[] x = new float[m.inputShape().size()];
    for (int i = 0; i < x.length; i++) x[i] = (float) expected.get("input").get(i).doubleValue();
    Plan plan = m.compile(1);
    plan.load(x, m.inputShape(), 1);
    plan.forward(1, false);
    for (int k = 0; k < 4; k++) {
      double want = expected.get("logits").get(k).doubleValue();
      assertThat((double) plan.output()[k]).as("logit %d", k).isCloseTo(want, within(1e-5 * Math.max(1, Math.abs(want))));
    }
  }
}
