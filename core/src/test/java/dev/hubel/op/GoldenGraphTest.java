package dev.hubel.op;

import static dev.hubel.model.Layers.add;
import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.concat;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.globalAvgPool;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.padChannels;
import static dev.hubel.model.Layers.relu;
import static dev.hubel.op.Close.assertClose;
import static dev.hubel.op.GoldenTest.doubles;
import static dev.hubel.op.GoldenTest.floats;
import static dev.hubel.op.GoldenTest.ints;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Graphs with branches and batch norm against PyTorch 1.13 (batchnorm.json and branches.json from
 * make_golden.py): forward values, every gradient, and the running statistics a training pass
 * leaves. Each case names a small graph built here with {@code Layers}; its tensors come in
 * Hubel's parameter order.
 */
class GoldenGraphTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Two threads, so channels and examples are split over pieces, as in training. */
  private static final WorkerPool POOL = new WorkerPool(2);

  static Stream<Arguments> batchNormCases() { return cases("batchnorm.json"); }
  static Stream<Arguments> branchCases() { return cases("branches.json"); }

  @ParameterizedTest(name = "batch norm {0}")
  @MethodSource("batchNormCases")
  void batchNormMatchesPyTorch(String name, JsonNode c) { check(c); }

  @ParameterizedTest(name = "{0}")
  @MethodSource("branchCases")
  void branchesMatchPyTorch(String name, JsonNode c) { check(c); }

  private static Node build(String graph, Node x, JsonNode cfg) {
    return switch (graph) {
      case "batchNorm" -> batchNorm(x);
      case "residual" -> add(conv2d(x, cfg.get("filters").asInt(), 3, 1, 1), x);
      case "basicBlock" -> {
        int f = cfg.get("filters").asInt(), s = cfg.get("stride").asInt();
        Node y = relu(batchNorm(conv2d(x, f, 3, 3, s, 1, Fit.FLOOR, false)));
        y = batchNorm(conv2d(y, f, 3, 3, 1, 1, Fit.FLOOR, false));
        Node shortcut = s == 1 ? x : batchNorm(conv2d(x, f, 1, 1, s, 0, Fit.FLOOR, false));
        yield relu(add(y, shortcut));
      }
      case "optionA" -> {
        int f = cfg.get("filters").asInt(), extra = f - x.shape().c();
        Node y = conv2d(x, f, 3, 3, 2, 1, Fit.EXACT, false);
        yield add(y, padChannels(maxPool(x, 1, 2, 0, Fit.FLOOR), extra / 2, extra - extra / 2));
      }
      case "inception" -> concat(relu(conv2d(x, 2, 1, 1, 0)), relu(conv2d(x, 4, 3, 1, 1)), maxPool(x, 3, 1, 1, Fit.EXACT));
      case "sharedNode" -> {
        Node r = relu(conv2d(x, 3, 3, 1, 1));
        yield concat(add(conv2d(r, 3, 1, 1, 1, 0, Fit.EXACT, false), r), conv2d(r, 2, 3, 1, 1));
      }
      case "selfAdd" -> {
        Node c = conv2d(x, 2, 3, 1, 1);
        yield add(c, c);
      }
      case "globalAvgPool" -> dense(globalAvgPool(x), cfg.get("units").asInt());
      default -> throw new IllegalArgumentException("unknown graph " + graph);
    };
  }

  /** Tensors copied in, forward in the case's mode, backward from gy; then every value and gradient. */
  private static void check(JsonNode c) {
    int[] dims = ints(c.get("input"));
    int n = c.get("n").asInt();
    Node x = input(new Shape(dims));
    Model model = Model.of(c.get("name").asText(), build(c.get("graph").asText(), x, c.get("config")));
    assertThat(model.outputShape()).as("output shape").isEqualTo(new Shape(ints(c.get("outputShape"))));
    List<Param> params = model.params();
    JsonNode golden = c.get("params");
    assertThat(params).as("parameters").hasSize(golden.size());
    for (int i = 0; i < params.size(); i++) {
      float[] v = floats(golden.get(i));
      assertThat(v.length).as("size of %s", params.get(i).name()).isEqualTo(params.get(i).size());
      System.arraycopy(v, 0, params.get(i).value(), 0, v.length);
    }

    Plan plan = model.compile(n, POOL, true);
    float[] input = floats(c.get("x"));
    System.arraycopy(input, 0, plan.input(), 0, input.length);
    plan.forward(n, c.get("training").asBoolean());
    assertClose("y", plan.output(), doubles(c.get("y")));
    for (int i = 0; i < params.size(); i++) {
      assertClose(params.get(i).name() + " after the forward pass", params.get(i).value(), doubles(c.get("paramsAfter").get(i)));
    }

    float[] gy = floats(c.get("gy"));
    System.arraycopy(gy, 0, plan.outputGrad(), 0, gy.length);
    plan.backward(n);
    assertClose("dx", plan.inputGrad(), doubles(c.get("gx")));
    for (int i = 0; i < params.size(); i++) {
      assertClose("d " + params.get(i).name(), params.get(i).grad(), doubles(c.get("gparams").get(i)));
    }
  }

  private static Stream<Arguments> cases(String file) {
    String only = System.getProperty("golden", "");
    try (InputStream in = GoldenGraphTest.class.getResourceAsStream("/golden/" + file)) {
      if (in == null) throw new IllegalStateException("missing test resource golden/" + file + "; run make_golden.py");
      return StreamSupport.stream(JSON.readTree(in).spliterator(), false)
          .filter(c -> c.get("name").asText().contains(only))
          .map(c -> Arguments.of(c.get("name").asText(), c));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
