package dev.hubel.op;

import static dev.hubel.op.Close.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.kernel.SoftmaxCrossEntropy;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Layers;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.train.Sgd;
import dev.hubel.zoo.LeNet5;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hubel against PyTorch 1.13: forward values and autograd's gradients, from the JSON files that
 * core/src/test/python/make_golden.py writes. One parameterised test per op family, one row per
 * case, named after it; rerun a family with {@code -Dtest=GoldenTest#conv2d}, or one case with
 * {@code -Dgolden=<part of its name>} as well.
 */
class GoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Two threads, so batches of 2 and 3 are split over pieces (unevenly for 3), as in training. */
  private static final WorkerPool POOL = new WorkerPool(2);

  static Stream<Arguments> conv2d() { return cases("conv2d.json"); }
  static Stream<Arguments> maxPool() { return cases("maxpool2d.json"); }
  static Stream<Arguments> avgPool() { return cases("avgpool2d.json"); }
  static Stream<Arguments> dense() { return cases("dense.json"); }
  static Stream<Arguments> relu() { return cases("relu.json"); }
  static Stream<Arguments> flatten() { return cases("flatten.json"); }
  static Stream<Arguments> softmaxCrossEntropy() { return cases("softmax_xent.json"); }

  @ParameterizedTest(name = "conv2d {0}")
  @MethodSource
  void conv2d(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "max pool {0}")
  @MethodSource
  void maxPool(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "avg pool {0}")
  @MethodSource
  void avgPool(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "dense {0}")
  @MethodSource
  void dense(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "relu {0}")
  @MethodSource
  void relu(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "flatten {0}")
  @MethodSource
  void flatten(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "softmax cross-entropy {0}")
  @MethodSource
  void softmaxCrossEntropy(String name, JsonNode c) {
    int n = c.get("n").asInt(), k = c.get("k").asInt();
    float[] logits = floats(c.get("logits"));
    int[] labels = StreamSupport.stream(c.get("labels").spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    float[] dlogits = new float[n * k];
    double mean = SoftmaxCrossEntropy.lossAndGrad(logits, n, k, labels, dlogits) / n;
    assertThat(mean).as("mean loss").isCloseTo(c.get("loss").asDouble(), offset(1e-5 * Math.max(1, c.get("loss").asDouble())));
    assertClose("dlogits", dlogits, doubles(c.get("dlogits")));
  }

  /** One op on a fresh input: PyTorch's params copied in, forward, then backward from gy. */
  private static void checkOp(JsonNode c) {
    JsonNode cfg = c.get("config");
    int[] dims = ints(c.get("input"));
    int n = c.get("n").asInt();
    Node x = dims.length == 3 ? Layers.input(dims[0], dims[1], dims[2]) : Layers.input(new Shape(dims));
    Node y = switch (c.get("op").asText()) {
      case "conv2d" -> Layers.conv2d(x, cfg.get("filters").asInt(), cfg.get("fh").asInt(), cfg.get("fw").asInt(),
          cfg.get("stride").asInt(), cfg.get("pad").asInt(), Fit.valueOf(cfg.get("fit").asText()), cfg.path("groups").asInt(1));
      case "maxpool2d" -> Layers.maxPool(x, cfg.get("size").asInt(), cfg.get("stride").asInt(),
          cfg.get("pad").asInt(), Fit.valueOf(cfg.get("fit").asText()));
      case "avgpool2d" -> Layers.avgPool(x, cfg.get("size").asInt(), cfg.get("stride").asInt(),
          cfg.get("pad").asInt(), Fit.valueOf(cfg.get("fit").asText()));
      case "dense" -> Layers.dense(x, cfg.get("units").asInt());
      case "relu" -> Layers.relu(x);
      case "flatten" -> Layers.flatten(x);
      case "lrn" -> Layers.lrn(x, cfg.get("size").asInt(), cfg.get("alpha").asDouble(), cfg.get("beta").asDouble(),
          cfg.get("k").asDouble());
      case "embedding" -> Layers.embedding(x, cfg.get("vocabulary").asInt(), cfg.get("dim").asInt());
      case "conv1d" -> Layers.conv1d(x, cfg.get("filters").asInt(), cfg.get("width").asInt(),
          cfg.get("stride").asInt(), cfg.get("pad").asInt());
      case "maxOverTime" -> Layers.maxOverTime(x);
      default -> throw new IllegalArgumentException("unknown op " + c.get("op"));
    };
    Model model = Model.of(c.get("name").asText(), y);
    assertThat(model.outputShape()).as("output shape").isEqualTo(new Shape(ints(c.get("outputShape"))));
    List<Param> params = model.params();
    JsonNode golden = c.get("params");
    assertThat(params).as("parameters").hasSize(golden.size());
    for (int i = 0; i < params.size(); i++) copy(floats(golden.get(i)), params.get(i).value());

    Plan plan = model.compile(n, POOL, true);
    copy(floats(c.get("x")), plan.input());
    plan.forward(n, true);
    assertClose("y", plan.output(), doubles(c.get("y")));

    copy(floats(c.get("gy")), plan.outputGrad());
    plan.backward(n);
    assertClose("dx", plan.inputGrad(), doubles(c.get("gx")));
    for (int i = 0; i < params.size(); i++) {
      assertClose("d " + params.get(i).name(), params.get(i).grad(), doubles(c.get("gparams").get(i)));
    }
  }

  // ---- LeNet-5: the whole network, its loss, every gradient, and two SGD steps ----

  @Test
  void lenet5LogitsLossAndGradients() {
    JsonNode g = load("lenet5.json");
    Model model = lenet5(g);
    Plan plan = lenet5Plan(model, g);
    int[] labels = ints(g.get("labels"));
    plan.forward(2, true);
    assertClose("logits", plan.output(), doubles(g.get("logits")));
    float loss = plan.lossAndGradient(2, labels);
    assertThat((double) loss).as("loss").isCloseTo(g.get("loss").asDouble(), offset(1e-4));
    plan.backward(2);
    for (int i = 0; i < model.params().size(); i++) {
      Param p = model.params().get(i);
      assertSummary("d " + p.name(), p.grad(), g.get("grads").get(i));
    }
  }

  @Test
  void lenet5TwoSgdStepsWithMomentumAndDecay() {
    JsonNode g = load("lenet5.json");
    JsonNode sgd = g.get("sgd");
    Model model = lenet5(g);
    List<float[]> before = new ArrayList<>();
    for (Param p : model.params()) before.add(p.value().clone());
    Plan plan = lenet5Plan(model, g);
    Sgd opt = new Sgd(model.params(), (float) sgd.get("lr").asDouble(), (float) sgd.get("momentum").asDouble(),
        (float) sgd.get("weightDecay").asDouble());
    for (int s = 0; s < sgd.get("steps").asInt(); s++) {
      float loss = plan.trainStep(2, ints(g.get("labels")));
      assertThat((double) loss).as("loss before step %d", s + 1)
          .isCloseTo(sgd.get("losses").get(s).asDouble(), offset(1e-4));
      opt.step();
    }
    for (int i = 0; i < model.params().size(); i++) {
      Param p = model.params().get(i);
      float[] delta = new float[p.size()];
      for (int j = 0; j < delta.length; j++) delta[j] = p.value()[j] - before.get(i)[j];
      assertSummary("change of " + p.name(), delta, sgd.get("deltas").get(i));
    }
  }

  /** LeNet-5 with the hash weights make_golden.py used. */
  private static Model lenet5(JsonNode g) {
    Model model = LeNet5.build();
    JsonNode h = g.get("hash");
    List<Param> params = model.params();
    assertThat(params).hasSize(g.get("paramShapes").size());
    for (int k = 0; k < params.size(); k++) {
      Param p = params.get(k);
      int[] dims = ints(g.get("paramShapes").get(k));
      assertThat(p.shape()).as(p.name()).isEqualTo(new Shape(dims));
      int fanIn = p.size() / dims[0];
      double scale = dims.length > 1 ? Math.sqrt(6.0 / fanIn) : h.get("biasScale").asDouble();
      HashInit.fill(p.value(), h.get("paramSeedBase").asInt() + k, scale);
    }
    return model;
  }

  /** A plan for batch 2 with the hash input make_golden.py used already loaded. */
  private static Plan lenet5Plan(Model model, JsonNode g) {
    Plan plan = model.compile(2, POOL);
    float[] x = new float[2 * 32 * 32];
    HashInit.fill(x, g.get("hash").get("inputSeed").asInt(), 1.0);
    plan.load(x, Shape.chw(1, 32, 32), 2);
    return plan;
  }

  /** A whole tensor, or sampled entries and a hash-weighted projection of a big one. */
  private static void assertSummary(String what, float[] actual, JsonNode s) {
    if (s.has("full")) {
      assertClose(what, actual, doubles(s.get("full")));
      return;
    }
    int[] index = ints(s.get("index"));
    double[] want = doubles(s.get("value"));
    float[] got = new float[index.length];
    for (int i = 0; i < index.length; i++) got[i] = actual[index[i]];
    assertClose(what + " (sampled entries " + java.util.Arrays.toString(index).substring(0, 40) + "...)", got, want);
    double projection = 0;
    int seed = s.get("projectionSeed").asInt();
    for (int i = 0; i < actual.length; i++) projection += actual[i] * HashInit.uniform(i, seed);
    assertThat(projection).as(what + ": sum(g * hash)")
        .isCloseTo(s.get("projection").asDouble(), offset(1e-4 * s.get("absSum").asDouble()));
  }

  // ---- JSON ----

  private static Stream<Arguments> cases(String file) {
    String only = System.getProperty("golden", "");
    return StreamSupport.stream(load(file).spliterator(), false)
        .filter(c -> c.get("name").asText().contains(only))
        .map(c -> Arguments.of(c.get("name").asText(), c));
  }

  private static JsonNode load(String file) {
    try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/" + file)) {
      if (in == null) throw new IllegalStateException("missing test resource golden/" + file + "; run make_golden.py");
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(float[] from, float[] to) {
    assertThat(from.length).as("golden array length").isLessThanOrEqualTo(to.length);
    System.arraycopy(from, 0, to, 0, from.length);
  }

  static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
    return f;
  }

  static double[] doubles(JsonNode a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) d[i] = a.get(i).asDouble();
    return d;
  }

  static int[] ints(JsonNode a) {
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) v[i] = a.get(i).asInt();
    return v;
  }

  // ---- AlexNet's layers: grouped convolution, local response normalisation ----

  static Stream<Arguments> groupedConv2d() { return cases("conv2d_grouped.json"); }
  static Stream<Arguments> lrn() { return cases("lrn.json"); }

  @ParameterizedTest(name = "grouped conv2d {0}")
  @MethodSource
  void groupedConv2d(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "lrn {0}")
  @MethodSource
  void lrn(String name, JsonNode c) { checkOp(c); }

  // ---- sequences, the sentence CNN, and a softmax over a map ----

  static Stream<Arguments> embedding() { return cases("embedding.json"); }
  static Stream<Arguments> conv1d() { return cases("conv1d.json"); }
  static Stream<Arguments> maxOverTime() { return cases("max_over_time.json"); }

  /** Token ids in, (dim, L) out as PyTorch's embedding(ids).transpose(1, 2); the ids' gradient stays zero. */
  @ParameterizedTest(name = "embedding {0}")
  @MethodSource
  void embedding(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "conv1d {0}")
  @MethodSource
  void conv1d(String name, JsonNode c) { checkOp(c); }

  @ParameterizedTest(name = "max over time {0}")
  @MethodSource
  void maxOverTime(String name, JsonNode c) { checkOp(c); }

  /** A 1x1 convolution scores a 19x19 map; predict and the loss take one softmax over all 361 points, as softmax(view(n, -1)). */
  @Test
  void spatialSoftmaxIsOneSoftmaxOverTheWholeMap() {
    JsonNode g = load("spatial_softmax.json");
    int n = g.get("n").asInt();
    Model model = Model.of("map", Layers.spatialSoftmax(Layers.conv2d(Layers.input(2, 19, 19), 1, 1, 1, 0)));
    assertThat(model.outputShape()).isEqualTo(Shape.vector(361));
    for (int i = 0; i < 2; i++) copy(floats(g.get("params").get(i)), model.params().get(i).value());
    float[] x = floats(g.get("x"));
    int size = 2 * 19 * 19;
    double[] probs = doubles(g.get("probs"));
    for (int r = 0; r < n; r++) {
      float[] p = model.predict(java.util.Arrays.copyOfRange(x, r * size, (r + 1) * size));
      assertClose("probabilities of example " + r, p, 0, java.util.Arrays.copyOfRange(probs, r * 361, (r + 1) * 361), 1e-4, 1e-5);
      double sum = 0;
      for (float v : p) sum += v;
      assertThat(sum).as("probabilities of example %d sum to 1", r).isCloseTo(1.0, offset(1e-5));
    }
    Plan plan = model.compile(n, POOL, true);
    plan.load(x, Shape.chw(2, 19, 19), n);
    plan.forward(n, true);
    float loss = plan.lossAndGradient(n, ints(g.get("labels")));
    assertThat((double) loss).as("loss").isCloseTo(g.get("loss").asDouble(), offset(1e-5));
    plan.backward(n);
    assertClose("dx", plan.inputGrad(), doubles(g.get("gx")));
    assertClose("d CONV1.weight", model.params().get(0).grad(), doubles(g.get("gparams").get(0)));
    // one bias shifts every score alike, which no softmax sees: its gradient is sum(p - onehot) / n = 0 but for rounding
    assertThat(model.params().get(1).grad()[0]).as("d CONV1.bias").isCloseTo(0f, offset(1e-6f));
    assertThat(Math.abs(g.get("gparams").get(1).get(0).asDouble())).as("PyTorch's d bias").isLessThan(1e-6);
  }

  /** TextCnn.build itself (3 classes, 11 tokens, 9 per sentence, 6 dims) against the same network in PyTorch, with hash weights. */
  @Test
  void textCnnLogitsLossAndGradients() {
    JsonNode g = load("textcnn.json");
    JsonNode cfg = g.get("config");
    Model model = dev.hubel.zoo.TextCnn.build(cfg.get("vocabulary").asInt(), cfg.get("length").asInt(),
        cfg.get("dim").asInt(), cfg.get("classes").asInt());
    List<Param> params = model.params();
    assertThat(params).hasSize(g.get("paramShapes").size());
    for (int k = 0; k < params.size(); k++) {
      Param p = params.get(k);
      int[] dims = ints(g.get("paramShapes").get(k));
      assertThat(p.shape()).as(p.name()).isEqualTo(new Shape(dims));
      int fanIn = k == 0 ? 1 : p.size() / dims[0];
      double scale = dims.length > 1 ? Math.sqrt(6.0 / fanIn) : g.get("hash").get("biasScale").asDouble();
      HashInit.fill(p.value(), g.get("hash").get("paramSeedBase").asInt() + k, scale);
    }
    int n = g.get("n").asInt();
    float[] ids = floats(g.get("ids"));
    Plan plan = model.compile(n, POOL);
    plan.load(ids, Shape.vector(cfg.get("length").asInt()), n);
    plan.forward(n, false);  // PyTorch's side runs without dropout: compare the network as it predicts
    assertClose("logits", plan.output(), doubles(g.get("logits")));
    float loss = plan.lossAndGradient(n, ints(g.get("labels")));
    assertThat((double) loss).as("loss").isCloseTo(g.get("loss").asDouble(), offset(1e-4));
    plan.backward(n);
    for (int k = 0; k < params.size(); k++) assertSummary("d " + params.get(k).name(), params.get(k).grad(), g.get("grads").get(k));
  }
}
