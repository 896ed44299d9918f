package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.kernel.SoftmaxCrossEntropy;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimisers, schedules, label smoothing and gradient clipping against PyTorch 1.13, from the
 * files core/src/test/python/make_golden_train.py writes. One row per case. Sums in another order
 * than PyTorch's (softmax, the gradient's norm) may differ in the last bit or two; the optimisers'
 * updates may not differ at all.
 */
class TrainGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> optimizers() { return cases("optimizers.json"); }
  static Stream<Arguments> schedules() { return cases("schedules.json"); }
  static Stream<Arguments> labelSmoothing() { return cases("label_smoothing.json"); }
  static Stream<Arguments> clipping() { return cases("clip_grad_norm.json"); }

  /**
   * Five steps on a weight (decayed) and a bias (not, unless the case decays all), the rate
   * changing before step 4: bit for bit PyTorch's, since the updates repeat its operations in order.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource
  void optimizers(String name, JsonNode c) {
    JsonNode s = c.get("settings");
    float lr0 = (float) c.get("learningRates").get(0).asDouble();
    float decay = (float) s.path("weightDecay").asDouble();
    OptimizerConfig config = switch (c.get("kind").asText()) {
      case "sgd" -> OptimizerConfig.sgd(lr0, f(s, "momentum"), decay).withNesterov(s.get("nesterov").asBoolean());
      case "adam" -> OptimizerConfig.adam(lr0, decay).withBetas(f(s, "beta1"), f(s, "beta2")).withEpsilon(f(s, "epsilon"));
      case "adamw" -> OptimizerConfig.adamW(lr0, decay).withBetas(f(s, "beta1"), f(s, "beta2")).withEpsilon(f(s, "epsilon"));
      case "rmsprop" -> OptimizerConfig.rmsProp(lr0, decay).withAlpha(f(s, "alpha")).withEpsilon(f(s, "epsilon"))
          .withMomentum(f(s, "momentum")).withCentered(s.get("centered").asBoolean());
      default -> throw new IllegalArgumentException(c.get("kind").asText());
    };
    config = config.withDecayAll(c.get("decayAll").asBoolean());
    List<Param> params = List.of(
        new Param("FC1.weight", new Shape(3, 4), 4, 3, Role.WEIGHT), new Param("FC1.bias", new Shape(4), 4, 3, Role.BIAS));
    for (int i = 0; i < 2; i++) System.arraycopy(floats(c.get("initial").get(i)), 0, params.get(i).value(), 0, params.get(i).size());
    Optimizer opt = config.build(params);
    for (int step = 0; step < c.get("grads").size(); step++) {
      opt.setLearningRate((float) c.get("learningRates").get(step).asDouble());
      for (int i = 0; i < 2; i++) System.arraycopy(floats(c.get("grads").get(step).get(i)), 0, params.get(i).grad(), 0, params.get(i).size());
      opt.step();
      for (int i = 0; i < 2; i++) {
        assertUlps(params.get(i).name() + " after step " + (step + 1), params.get(i).value(), floats(c.get("after").get(step).get(i)), 0);
      }
    }
    assertThat(opt.steps()).isEqualTo(c.get("grads").size());
  }

  /** The rate each epoch trains with (warm-up: each step), a schedule of PyTorch's stepped as a training loop steps it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource
  void schedules(String name, JsonNode c) {
    float base = (float) c.get("base").asDouble();
    JsonNode rates = c.get("rates");
    ScheduleConfig config = switch (c.get("kind").asText()) {
      case "step" -> ScheduleConfig.step(c.get("stepSize").asInt(), f(c, "gamma"));
      case "multi-step" -> ScheduleConfig.multiStep(ints(c.get("milestones")), f(c, "gamma"));
      case "cosine" -> ScheduleConfig.cosine(f(c, "minLearningRate")).withCosineEpochs(c.get("epochs").asInt());
      case "exponential" -> ScheduleConfig.exponential(f(c, "gamma"));
      case "plateau" -> ScheduleConfig.plateau(f(c, "factor"), c.get("patience").asInt(), f(c, "minLearningRate"))
          .withThreshold(f(c, "threshold")).withMonitor(Metric.valueOf(c.get("monitor").asText().toUpperCase()));
      case "warmup" -> ScheduleConfig.constant();
      default -> throw new IllegalArgumentException(c.get("kind").asText());
    };
    if (c.get("kind").asText().equals("warmup")) {
      // 5 steps per epoch: the 10-step ramp spans epochs 1 and 2
      LearningRateSchedule s = config.withWarmup(2, f(c, "startFactor")).schedule(base, 3);
      assertThat(s.perStep()).isTrue();
      for (int t = 0; t < rates.size(); t++) {
        assertThat(s.learningRate(1 + t / 5, t % 5, 5, List.of())).as("step %d", t).isCloseTo((float) rates.get(t).asDouble(), offset(2e-7f));
      }
      return;
    }
    LearningRateSchedule s = config.schedule(base, rates.size());
    List<EpochResult> history = new ArrayList<>();
    for (int e = 1; e <= rates.size(); e++) {
      float expected = (float) rates.get(e - 1).asDouble();
      assertThat(s.learningRate(e, List.copyOf(history))).as("epoch %d", e).isCloseTo(expected, offset(expected * 1e-6f));
      double m = c.has("metrics") ? c.get("metrics").get(e - 1).asDouble() : 0.5;
      history.add(new EpochResult(e, rates.size(), m, m, m, m, expected, 1, 1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void labelSmoothing(String name, JsonNode c) {
    int n = c.get("n").asInt(), k = c.get("k").asInt();
    float[] dlogits = new float[n * k];
    double total = SoftmaxCrossEntropy.lossAndGrad(floats(c.get("logits")), n, k, ints(c.get("labels")).stream().mapToInt(i -> i).toArray(),
        dlogits, f(c, "smoothing"));
    double loss = c.get("loss").asDouble();
    assertThat(total / n).as("mean loss").isCloseTo(loss, offset(1e-6 * Math.max(1, loss)));
    assertUlps("dlogits", dlogits, floats(c.get("dlogits")), 4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void clipping(String name, JsonNode c) {
    List<Param> params = new ArrayList<>();
    for (int i = 0; i < c.get("shapes").size(); i++) {
      List<Integer> dims = ints(c.get("shapes").get(i));
      Param p = new Param("P" + i + ".weight", new Shape(dims.stream().mapToInt(x -> x).toArray()), 1, 1, Role.WEIGHT);
      System.arraycopy(floats(c.get("grads").get(i)), 0, p.grad(), 0, p.size());
      params.add(p);
    }
    double norm = GradientNorm.clip(params, f(c, "maxNorm"));
    assertThat(norm).isCloseTo(c.get("totalNorm").asDouble(), offset(1e-6 * norm));
    for (int i = 0; i < params.size(); i++) assertUlps(params.get(i).name(), params.get(i).grad(), floats(c.get("clipped").get(i)), 2);
  }

  /**
   * Every entry within {@code ulps} units in the last place of the array's largest entry: an
   * entry that is a difference of two close numbers (p - q of the label) keeps their rounding
   * error, not its own size's. 0: bit for bit.
   */
  static void assertUlps(String what, float[] actual, float[] expected, int ulps) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    float scale = 0;
    for (float e : expected) scale = Math.max(scale, Math.abs(e));
    for (int i = 0; i < expected.length; i++) {
      float e = expected[i], a = actual[i];
      if (!(Math.abs(a - e) <= ulps * Math.ulp(scale)) && Float.floatToIntBits(a) != Float.floatToIntBits(e)) {
        fail("%s[%d]: got %s, PyTorch %s (%.1f ulps of the largest entry apart)", what, i, a, e, Math.abs(a - e) / Math.ulp(scale));
      }
    }
  }

  private static float f(JsonNode c, String key) {
    return (float) c.get(key).asDouble();
  }

  private static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
    return f;
  }

  private static List<Integer> ints(JsonNode a) {
    return StreamSupport.stream(a.spliterator(), false).map(JsonNode::asInt).toList();
  }

  private static Stream<Arguments> cases(String file) {
    try (InputStream in = TrainGoldenTest.class.getResourceAsStream("/golden/" + file)) {
      if (in == null) throw new IllegalStateException("golden/" + file + " is missing; run core/src/test/python/make_golden_train.py");
      JsonNode all = JSON.readTree(in);
      return StreamSupport.stream(all.spliterator(), false).map(c -> Arguments.of(c.get("name").asText(), c));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
