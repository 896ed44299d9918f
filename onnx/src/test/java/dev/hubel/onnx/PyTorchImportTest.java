package dev.hubel.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models made and exported by PyTorch (src/test/python/make_fixtures.py, Debian's python3-torch),
 * read into Hubel, give PyTorch's outputs for PyTorch's inputs.
 */
class PyTorchImportTest {
  static final Path FIXTURES = Path.of("src/test/resources/pytorch");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // fixture    | Hubel's layers, in order, as the summary names them
      "lenet        | CONV1, RELU1, MAX POOL1, CONV2, RELU2, MAX POOL2, FLATTEN1, FC3, RELU3, FC4, RELU4, FC5",
      "residual     | CONV1, BN1, RELU1, MAX POOL1, CONV2, BN2, RELU2, CONV3, BN3, CONV4, BN4, ADD1, RELU3, GLOBAL AVG POOL2, FLATTEN1, FC5",
      "inception    | CONV1, RELU1, MAX POOL1, CONV2, RELU2, CONV3, RELU3, CONV4, RELU4, CONV5, RELU5, CONV6, RELU6, MAX POOL2, CONV7, RELU7, CONCAT1, AVG POOL3, MAX POOL4, FLATTEN1, FC8",
      "alexnet_like | CONV1, RELU1, MAX POOL1, NORM1, CONV2, RELU2, CONV3, RELU3, MAX POOL2, FLATTEN1, FC4, RELU4, FC5",
  })
  void readsPyTorchsModelAndGivesItsOutputs(String fixture, String layers) throws IOException {
    JsonNode expected = new ObjectMapper().readTree(FIXTURES.resolve(fixture + ".json").toFile());
    OnnxImport.Result r = OnnxImport.read(FIXTURES.resolve(fixture + ".onnx"), null);
    Model m = r.model();
    assertThat(m.nodes().stream().skip(1).map(dev.hubel.model.Node::name).toList()).containsExactly(layers.split(", "));

    int n = expected.get("input_shape").get(0).asInt();
    float[] x = floats(expected.get("input"));
    float[] want = floats(expected.get("output"));
    float[] got;
    if (expected.get("softmax").asBoolean()) {
      assertThat(r.notes()).anyMatch(s -> s.contains("left out the final Softmax"));
      got = new float[want.length];
      int k = m.outputShape().size();
      for (int e = 0; e < n; e++) System.arraycopy(m.predict(java.util.Arrays.copyOfRange(x, e * m.inputShape().size(), (e + 1) * m.inputShape().size())), 0, got, e * k, k);
    } else {
      got = Outputs.hubel(m, x, n);
    }
    assertThat(Outputs.relativeError(got, want)).as("relative error against PyTorch").isLessThan(1e-5);
  }

  static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
    return f;
  }

  static List<String> names(Model m) {
    return m.nodes().stream().map(dev.hubel.model.Node::name).toList();
  }
}
