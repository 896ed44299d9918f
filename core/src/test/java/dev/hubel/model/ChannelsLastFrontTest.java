package dev.hubel.model;

import static dev.hubel.model.Layers.add;
import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.globalAvgPool;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.kernel.ChannelsLast;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.zoo.AlexNet;
import dev.hubel.zoo.AlphaGoPolicy;
import dev.hubel.zoo.ResNet;
import dev.hubel.tensor.Shape;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A frozen plan's channels-last front against the same model's unfrozen (NCHW) inference: the
 * same outputs to float rounding, over every parameter drawn at random (batch norms' running
 * statistics included, so that folding them into the weights is tested), for fewer examples than
 * the plan's batch too; where the front ends; and every node's output still there to inspect.
 */
class ChannelsLastFrontTest {
  private static final WorkerPool POOL = new WorkerPool(2);

  @BeforeAll
  static void needsTheVectorApi() {
    Assumptions.assumeTrue(ChannelsLast.available(), "channels-last kernels need the Vector API");
  }

  record Case(String name, Supplier<Model> model, String endsAt) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> models() {
    return List.of(
        // ResNet-50 on small images: stem, max pool with padding, projection and identity shortcuts, global pool
        new Case("ResNet-50", () -> ResNet.resnet50(10, Shape.chw(3, 40, 40)), "GLOBAL AVG POOL"),
        new Case("ResNet-18", () -> ResNet.resnet18(10, Shape.chw(3, 33, 33)), "GLOBAL AVG POOL"),
        // 64x64 images: the 16x16x64 stage's 3x3 layers run by channels-last Winograd (48 tiles in the batch)
        new Case("ResNet-18 by Winograd", () -> ResNet.resnet18(10, Shape.chw(3, 64, 64)), "GLOBAL AVG POOL"),
        // 192 filters on a 13x13 board: Winograd phase by phase (U past 4 MB); the 1-filter layer ends the front
        new Case("AlphaGo policy", () -> AlphaGoPolicy.build(13, 192), "RELU12"),
        // AlexNet: the 11x11 stride-4 stem, NORM layers, pools; the front ends before the FC layers
        new Case("AlexNet", () -> AlexNet.build(10, Shape.chw(3, 67, 67), false), "MAX POOL3"),
        // a convolution's ReLU read three times, a convolution into an add whose other input comes
        // later (the add and its ReLU a stage of their own), an add without a norm, a convolution
        // whose 10 filters do not fill vectors: the front ends before it
        new Case("odd graph", ChannelsLastFrontTest::oddGraph, "ADD"),
        // a residual added by a convolution whose k (9 x 384) is cut into blocks: its partial sums
        // pass through its output, so it must not write that output over the residual
        new Case("residual with k in blocks", ChannelsLastFrontTest::residualWithKInBlocks, "GLOBAL AVG POOL"));
  }

  private static Model residualWithKInBlocks() {
    Node x = input(384, 5, 5);
    Node a = relu(conv2d(x, 384, 3, 3, 1, 1, Fit.EXACT, 1));
    Node b = relu(add(conv2d(a, 384, 3, 3, 1, 1, Fit.EXACT, 1), x));  // x's last reader, same layout as b
    Node c = relu(conv2d(b, 32, 3, 3, 1, 1, Fit.EXACT, 1));            // b padded, as x is
    return Model.of("residual with k in blocks", dense(globalAvgPool(c), 4));
  }

  private static Model oddGraph() {
    Node x = input(5, 11, 9);
    Node a = relu(conv2d(x, 32, 3, 3, 1, 1, Fit.EXACT, 1));        // read by b, c and the add
    Node b = conv2d(a, 32, 5, 5, 1, 2, Fit.EXACT, 1);
    Node c = maxPool(a, 3, 1, 1, Fit.EXACT);
    Node s = add(relu(add(b, c)), a);
    Node t = conv2d(s, 10, 3, 3, 2, 0, Fit.FLOOR, 1);
    return Model.of("odd graph", dense(globalAvgPool(relu(batchNorm(t))), 4));
  }

  private static void randomise(Model model, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (Param p : model.params()) {
      float[] v = p.value();
      double scale = p.role() == Role.WEIGHT ? Math.sqrt(2.0 / p.fanIn()) : 0.3;
      for (int i = 0; i < v.length; i++) {
        v[i] = p.role() == Role.RUNNING_VAR ? (float) (0.5 + rng.nextDouble())
            : p.role() == Role.SCALE ? (float) (0.8 + 0.4 * rng.nextDouble())
            : (float) (rng.nextGaussian() * scale);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void agreesWithTheNchwPassAndEndsWhereItShould(Case c) {
    Model model = c.model().get();
    randomise(model, 7);
    int batch = 3, n = 2;
    Shape in = model.inputShape();
    float[] x = new float[n * in.size()];
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();

    Plan nchw = model.compile(batch, POOL);
    nchw.load(x, in, n);
    nchw.forward(n, false);
    Plan frozen = model.compile(batch, POOL).freezeWeights();
    assertThat(frozen.channelsLastEnd()).as("the front's last node").isGreaterThan(0);
    assertThat(model.nodes().get(frozen.channelsLastEnd()).name()).startsWith(c.endsAt());
    frozen.load(x, in, n);
    frozen.forward(n, false);

    float[] want = nchw.output(), got = frozen.output();
    int outputs = n * model.outputShape().size();
    double scale = 0;
    for (int i = 0; i < outputs; i++) scale = Math.max(scale, Math.abs(want[i]));
    for (int i = 0; i < outputs; i++) {
      assertThat((double) got[i]).as("output %d (largest %.3g)", i, scale)
          .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-4 * scale + 1e-6));
    }
    // a node inside the front, asked for after a channels-last pass: the pass made again in NCHW
    Node inside = model.nodes().get(frozen.channelsLastEnd() / 2);
    float[] seen = frozen.activations(inside).clone(), expected = nchw.activations(inside);
    for (int i = 0; i < n * inside.shape().size(); i++) {
      assertThat(seen[i]).as("%s's output %d", inside.name(), i).isEqualTo(expected[i]);
    }
  }

  @Test
  void weightsChangedInPlaceArePackedAgainWhenSaid() {
    Model model = ResNet.resnet18(10, Shape.chw(3, 32, 32));
    randomise(model, 11);
    Shape in = model.inputShape();
    float[] x = new float[in.size()];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
    Plan frozen = model.compile(1, POOL).freezeWeights();
    frozen.load(x, in, 1);
    frozen.forward(1, false);
    float[] before = frozen.output().clone();
    randomise(model, 12);
    frozen.weightsChanged();
    frozen.forward(1, false);
    Plan fresh = model.compile(1, POOL).freezeWeights();
    fresh.load(x, in, 1);
    fresh.forward(1, false);
    assertThat(frozen.output()).as("after weightsChanged, the new weights'").isEqualTo(fresh.output())
        .isNotEqualTo(before);
  }

  /** Convolutions and a pool with nothing to fuse: only the front leaves outputs unwritten. */
  private static Model unfused() {
    Node x = conv2d(input(3, 12, 12), 32, 3, 3, 1, 1, Fit.EXACT, 1);
    x = conv2d(maxPool(x, 2, 2), 32, 3, 3, 1, 1, Fit.EXACT, 1);
    return Model.of("unfused", dense(globalAvgPool(x), 10));
  }

  static List<Supplier<Model>> backwardModels() {
    return List.of(() -> ResNet.resnet18(10, Shape.chw(3, 32, 32)), ChannelsLastFrontTest::unfused);
  }

  @ParameterizedTest
  @MethodSource("backwardModels")
  void aBackwardPassAfterAChannelsLastPassSeesTheNchwActivations(Supplier<Model> build) {
    Model model = build.get();
    randomise(model, 13);
    Shape in = model.inputShape();
    float[] x = new float[2 * in.size()];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.cos(i);
    float[][] grads = new float[2][];
    for (int v = 0; v < 2; v++) {
      Plan plan = model.compile(2, POOL, true);
      if (v == 1) plan.freezeWeights();  // again after a thaw: the front is made anew
      if (v == 1) plan.thawWeights().freezeWeights();
      plan.load(x, in, 2);
      plan.forward(2, false);
      for (int i = 0; i < 2 * 10; i++) plan.outputGrad()[i] = i % 3 - 1f;
      plan.backward(2);
      grads[v] = java.util.Arrays.copyOf(plan.inputGrad(), x.length);
    }
    assertThat(grads[1]).as("input gradient after a channels-last pass").isEqualTo(grads[0]);
  }

  static List<Supplier<Model>> warmModels() {
    // ResNet-18 at 64x64: direct and chunked-Winograd layers; AlphaGo at 13x13: phased Winograd
    return List.of(() -> ResNet.resnet18(10, Shape.chw(3, 64, 64)), () -> AlphaGoPolicy.build(13, 192));
  }

  @ParameterizedTest
  @MethodSource("warmModels")
  void warmFrozenPassesAllocateNothing(Supplier<Model> build) {
    Model model = build.get();
    randomise(model, 17);
    Plan plan = model.compile(2, POOL).freezeWeights();
    assertThat(plan.channelsLastEnd()).isGreaterThan(0);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
    long[] ids = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("hubel-worker-"))
        .mapToLong(Thread::threadId).toArray();
    long[] bytes = new long[16];
    int round = 0;
    // warm-up rounds until one allocates nothing (C2 may still be compiling after the first);
    // boxed vectors or a per-pass lambda would allocate in every round
    for (; round < bytes.length && (round < 2 || bytes[round - 1] >= 1024); round++) {
      long before = allocated(threads, ids);
      for (int i = 0; i < 100; i++) plan.forward(2, false);
      bytes[round] = allocated(threads, ids) - before;
    }
    assertThat(bytes[round - 1]).as("bytes allocated by 100 warm passes, caller and workers (rounds: %s)",
        java.util.Arrays.toString(bytes)).isLessThan(1024);
  }

  private static long allocated(com.sun.management.ThreadMXBean threads, long[] workers) {
    long total = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
    for (long b : threads.getThreadAllocatedBytes(workers)) total += Math.max(0, b);
    return total;
  }

  @Test
  void canBeTurnedOffPerPlan() {
    Model model = ResNet.resnet18(10, Shape.chw(3, 32, 32));
    assertThat(model.compile(1, POOL).freezeWeights(false).channelsLastEnd()).isEqualTo(-1);
    assertThat(model.compile(1, POOL).freezeWeights().thawWeights().channelsLastEnd()).isEqualTo(-1);
  }
}
