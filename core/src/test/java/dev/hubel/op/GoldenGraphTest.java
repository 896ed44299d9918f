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
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.ResNet;
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

  // ---- the zoo's ResNets against torchvision's, value for value ----

  /**
   * The training pass in float32 through 50 layers, against float64: batch norm over few values
   * amplifies rounding to 1.5e-4 of logits near 3 (torch's own float32 drifts as far). A wrongly
   * wired block moves them by tenths. The inference pass meets the usual tolerance.
   *
   * <p>At this batch the first stage's 3x3 convolutions (64 channels, 16x16, 32 tiles) run by
   * Winograd F(4x4, 3x3) (ConvPathRules). One such layer rounds about 7x a plain float sum (max
   * error 3.5e-6 of the largest output against 5e-7: WinogradSpeed 64,16,64,2), and batch norm over
   * 8 values in the last stage amplifies that by orders: with -Dhubel.conv=implicit the gradients'
   * projections below are within 1.2e-6 of torchvision's float64 (resnet50), with Winograd within
   * 2.9e-3; single entries of resnet50's conv1 gradient move by up to 1.4% of its largest, the loss
   * by 1.6e-6 of itself (resnet18: 3e-6 and less). The tolerances allow that; a wrongly wired block
   * moves them by tenths.
   */
  private static final double DEEP_RTOL = 2e-3, DEEP_ATOL = 2e-4;
  private static final double GRAD_RTOL = 5e-2, GRAD_ATOL = 3e-2, LOSS_RTOL = 2e-5, PROJECTION_TOL = 1e-2;

  static Stream<Arguments> resnets() {
    return StreamSupport.stream(load("resnet_torchvision.json").spliterator(), false)
        .map(c -> Arguments.of(c.get("model").asText(), c));
  }

  /**
   * torchvision's resnet18 and resnet50 (10 classes, 64x64) with the hash weights make_golden.py
   * gave them: the same logits in a training pass, then in inference on the running statistics that
   * pass left, and that loss's gradient in every trainable tensor, in torchvision's parameter order.
   * Counts alone cannot show where a bottleneck strides or how a block is wired.
   */
  @ParameterizedTest(name = "{0} as torchvision")
  @MethodSource("resnets")
  void resnetMatchesTorchvision(String name, JsonNode g) {
    int[] in = ints(g.get("input"));
    Shape input = Shape.chw(in[0], in[1], in[2]);
    Model model = switch (name) {
      case "resnet18" -> ResNet.resnet18(10, input);
      case "resnet50" -> ResNet.resnet50(10, input);
      default -> throw new IllegalArgumentException("unknown model " + name);
    };
    List<Param> trainable = model.params().stream().filter(Param::trainable).toList();
    JsonNode grads = g.get("grads");
    assertThat(trainable).as("trainable tensors").hasSize(grads.size());
    int base = g.get("paramSeedBase").asInt();
    for (int k = 0; k < trainable.size(); k++) {
      Param p = trainable.get(k);
      String torch = grads.get(k).get("name").asText();
      assertThat(p.shape()).as("%s (torchvision %s)", p.name(), torch).isEqualTo(new Shape(ints(grads.get(k).get("shape"))));
      float[] v = p.value();
      for (int i = 0; i < v.length; i++) {
        double u = HashInit.uniform(i, base + k);
        v[i] = switch (p.role()) {
          case WEIGHT -> (float) (u * Math.sqrt(6.0 / (p.size() / p.shape().dim(0))));
          case SCALE -> (float) (1.0 + u * 0.1);
          default -> (float) (u * 0.1);
        };
      }
    }
    int n = g.get("n").asInt();
    Plan plan = model.compile(n, POOL);
    HashInit.fill(plan.input(), g.get("inputSeed").asInt(), 1.0);
    plan.forward(n, true);
    assertClose("logits in training (batch statistics)", plan.output(), 0, doubles(g.get("trainingLogits")), DEEP_RTOL, DEEP_ATOL);
    plan.forward(n, false);
    assertClose("logits in inference (running statistics after one training pass)", plan.output(), doubles(g.get("logits")));
    double loss = g.get("loss").asDouble();
    assertThat((double) plan.lossAndGradient(n, ints(g.get("labels")))).as("loss")
        .isCloseTo(loss, offset(LOSS_RTOL * Math.max(1, Math.abs(loss))));
    plan.backward(n);
    for (int k = 0; k < trainable.size(); k++) {
      Param p = trainable.get(k);
      JsonNode want = grads.get(k);
      String what = "d " + p.name() + " (torchvision " + want.get("name").asText() + ")";
      double projection = 0;
      for (int i = 0; i < p.size(); i++) projection += p.grad()[i] * HashInit.uniform(i, want.get("projectionSeed").asInt());
      assertThat(projection).as("%s: sum(g * hash)", what)
          .isCloseTo(want.get("projection").asDouble(), offset(PROJECTION_TOL * want.get("absSum").asDouble()));
      if (want.has("full")) assertClose(what, p.grad(), 0, doubles(want.get("full")), GRAD_RTOL, GRAD_ATOL);
      if (want.has("index")) {
        int[] index = ints(want.get("index"));
        float[] got = new float[index.length];
        for (int i = 0; i < index.length; i++) got[i] = p.grad()[index[i]];
        assertClose(what + " at 256 sampled entries", got, 0, doubles(want.get("value")), GRAD_RTOL, GRAD_ATOL);
      }
    }
  }

  private static JsonNode load(String file) {
    try (InputStream in = GoldenGraphTest.class.getResourceAsStream("/golden/" + file)) {
      if (in == null) throw new IllegalStateException("missing test resource golden/" + file + "; run make_golden.py");
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Stream<Arguments> cases(String file) {
    String only = System.getProperty("golden", "");
    return StreamSupport.stream(load(file).spliterator(), false)
        .filter(c -> c.get("name").asText().contains(only))
        .map(c -> Arguments.of(c.get("name").asText(), c));
  }
}
