package dev.hubel.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Architecture;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ResNet, the CIFAR ResNets and GoogLeNet held against their papers and torchvision. */
class ZooTest {
  private static final WorkerPool POOL = new WorkerPool(2);

  private static final List<String> BASIC = List.of("56x56x64", "28x28x128", "14x14x256", "7x7x512");
  private static final List<String> BOTTLENECK = List.of("56x56x256", "28x28x512", "14x14x1024", "7x7x2048");
  private static final List<String> CIFAR = List.of("32x32x16", "16x16x32", "8x8x64");
  /** Szegedy et al. table 1: the output of inception (3a), (3b), (4a) .. (4e), (5a), (5b). */
  private static final List<String> INCEPTIONS = List.of("28x28x256", "28x28x480",
      "14x14x512", "14x14x512", "14x14x512", "14x14x528", "14x14x832", "7x7x832", "7x7x1024");

  /**
   * A model at its paper's input size and what its paper (or torchvision) says of it: the parameter
   * count; the depth in layers with weights; the volume where each stage (ResNet) or inception
   * module (GoogLeNet) ends; and, for four of them, the summary as reviewed by eye.
   */
  record Paper(String name, Supplier<Model> build, long count, String countSource, int layers,
               String blockKind, List<String> blockVolumes, String snapshot) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Paper> papers() {
    return Stream.of(
        new Paper("ResNet-18", ResNet::resnet18, 11_689_512, "torchvision 0.14", 18, "ADD", BASIC, "resnet18-summary.txt"),
        new Paper("ResNet-34", ResNet::resnet34, 21_797_672, "torchvision 0.14", 34, "ADD", BASIC, null),
        new Paper("ResNet-50", ResNet::resnet50, 25_557_032, "torchvision 0.14", 50, "ADD", BOTTLENECK, "resnet50-summary.txt"),
        new Paper("ResNet-101", ResNet::resnet101, 44_549_160, "torchvision 0.14", 101, "ADD", BOTTLENECK, null),
        new Paper("ResNet-152", ResNet::resnet152, 60_192_808, "torchvision 0.14", 152, "ADD", BOTTLENECK, null),
        // He et al. 2015, table 6, round these to 0.27M, 0.46M, 0.66M, 0.85M, 1.7M
        new Paper("ResNet-20", CifarResNet::resnet20, 269_722, "He et al. table 6: 0.27M", 20, "ADD", CIFAR, "resnet20-summary.txt"),
        new Paper("ResNet-32", CifarResNet::resnet32, 464_154, "He et al. table 6: 0.46M", 32, "ADD", CIFAR, null),
        new Paper("ResNet-44", CifarResNet::resnet44, 658_586, "He et al. table 6: 0.66M", 44, "ADD", CIFAR, null),
        new Paper("ResNet-56", CifarResNet::resnet56, 853_018, "He et al. table 6: 0.85M", 56, "ADD", CIFAR, null),
        new Paper("ResNet-110", CifarResNet::resnet110, 1_727_962, "He et al. table 6: 1.7M", 110, "ADD", CIFAR, null),
        // "22 layers deep when counting only layers with parameters"
        new Paper("GoogLeNet", GoogLeNet::build, 6_998_552, "BVLC GoogLeNet (Caffe), no auxiliary classifiers", 22,
            "CONCAT", INCEPTIONS, "googlenet-summary.txt"));
  }

  /** One build per model (the biggest hold 60M parameters), checked against everything its paper says. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("papers")
  void modelIsThePapers(Paper p) throws IOException {
    Model m = p.build().get();
    assertThat(m.name()).isEqualTo(p.name());
    assertThat(m.paramCount()).as("parameters, as %s", p.countSource()).isEqualTo(p.count());
    if (p.countSource().contains("table 6")) {  // the exact count rounds to the paper's figure
      double millions = m.paramCount() / 1e6;
      String rounded = String.format(Locale.ROOT, millions < 1 ? "%.2fM" : "%.1fM", millions);
      assertThat(p.countSource()).endsWith(": " + rounded);
    }

    Map<Node, Integer> depth = new HashMap<>();  // layers with weights on the longest path to each node
    List<String> volumes = new ArrayList<>();
    for (Node n : m.nodes()) {
      int deepest = n.inputs().stream().mapToInt(depth::get).max().orElse(0);
      boolean weighted = n.op().kind().equals("CONV") || n.op().kind().equals("FC");
      depth.put(n, deepest + (weighted ? 1 : 0));
      String v = n.shape().toString();
      boolean stageGoesOn = p.blockKind().equals("ADD") && !volumes.isEmpty() && volumes.getLast().equals(v);
      if (n.op().kind().equals(p.blockKind()) && !stageGoesOn) volumes.add(v);
    }
    assertThat(depth.get(m.nodes().getLast())).as("layers with weights from input to output").isEqualTo(p.layers());
    assertThat(volumes).as("output where each %s changes size (ResNet stages) or of each module", p.blockKind())
        .isEqualTo(p.blockVolumes());

    // as ArchitectureTest.assertRoundTrips: described and rebuilt, the same table and parameters
    Model again = Architecture.rebuild(m.name(), Architecture.describe(m));
    assertThat(again.summary()).as("summary after a round trip").isEqualTo(m.summary());
    assertThat(again.params()).extracting(q -> q.name() + q.shape()).as("parameters after a round trip")
        .containsExactlyElementsOf(m.params().stream().map(q -> q.name() + q.shape()).toList());

    if (p.snapshot() != null) {
      try (InputStream in = ZooTest.class.getResourceAsStream("/snapshots/" + p.snapshot())) {
        assertThat(in).as("snapshot %s on the test classpath", p.snapshot()).isNotNull();
        assertThat(m.summary()).as("summary").isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  // ---- one training step at a reduced input, every trainable parameter reached ----

  record Reduced(String name, Supplier<Model> build) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * 64x64 for the ImageNet networks: at 32x32 ResNet's conv5_x is 1x1, and batch norm over a batch
   * of 2 values sends no gradient back (both normalise to -1 and +1 whatever they were).
   */
  static Stream<Reduced> reduced() {
    Shape small = Shape.chw(3, 64, 64), cifar = Shape.chw(3, 32, 32);
    // the small ones first: they get the kernels compiled by the JIT before the big ones run
    return Stream.of(
        new Reduced("Fashion-CNN at 32x32x3", () -> FashionCnn.build(10, cifar)),
        new Reduced("ResNet-20", () -> CifarResNet.resnet20(10, cifar)),
        new Reduced("ResNet-32", () -> CifarResNet.resnet32(10, cifar)),
        new Reduced("ResNet-44", () -> CifarResNet.resnet44(10, cifar)),
        new Reduced("ResNet-56", () -> CifarResNet.resnet56(10, cifar)),
        new Reduced("ResNet-110", () -> CifarResNet.resnet110(10, cifar)),
        new Reduced("GoogLeNet at 64x64", () -> GoogLeNet.build(10, small)),
        new Reduced("ResNet-18 at 64x64", () -> ResNet.resnet18(10, small)),
        new Reduced("ResNet-34 at 64x64", () -> ResNet.resnet34(10, small)),
        new Reduced("ResNet-50 at 64x64", () -> ResNet.resnet50(10, small)),
        new Reduced("ResNet-101 at 64x64", () -> ResNet.resnet101(10, small)),
        new Reduced("ResNet-152 at 64x64", () -> ResNet.resnet152(10, small)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reduced")
  void oneTrainingStepReachesEveryParameter(Reduced r) {
    Model m = r.build().get();
    int n = 2;
    Plan plan = m.compile(n, POOL);
    SplittableRandom rng = new SplittableRandom(7);
    float[] x = plan.input();
    for (int i = 0; i < n * m.inputShape().size(); i++) x[i] = (float) rng.nextGaussian();
    float loss = plan.trainStep(n, new int[] {3, 8});
    assertThat(loss).as("loss").isFinite().isPositive();
    List<String> dead = new ArrayList<>();
    for (Param p : m.params()) {
      if (!p.trainable()) continue;
      boolean nonZero = false;
      for (float g : p.grad()) {
        assertThat(g).as("gradient of %s", p.name()).isFinite();
        nonZero |= g != 0;
      }
      if (!nonZero) dead.add(p.name());
    }
    assertThat(dead).as("parameters whose gradient is all zero").isEmpty();
  }

  // ---- options ----

  @Test
  void classesAndInputSizeAreOptions() {
    Model m = ResNet.resnet50(37, Shape.chw(1, 96, 128));
    assertThat(m.inputShape()).isEqualTo(Shape.chw(1, 96, 128));
    assertThat(m.outputShape()).isEqualTo(Shape.vector(37));
    assertThat(m.summary()).contains("GLOBAL AVG POOL2: mean of each 3x4 slice");
    assertThat(CifarResNet.build(2, 100, Shape.chw(3, 32, 32)).name()).isEqualTo("ResNet-14");
    assertThat(GoogLeNet.build(5, Shape.chw(3, 96, 96)).outputShape()).isEqualTo(Shape.vector(5));
  }

  @Test
  void anInputTooSmallForGoogLeNetNamesTheLayerThatRunsOutOfPixels() {
    // 32 -> 16 (CONV1) -> 8 (MAX POOL1) -> 4 (MAX POOL2) -> 2 (MAX POOL5), too small for MAX POOL11's 3x3 window
    assertThatThrownBy(() -> GoogLeNet.build(10, Shape.chw(3, 32, 32)))
        .isInstanceOf(ShapeException.class)
        .hasMessage("GoogLeNet cannot take a [32x32x3] input: MAX POOL11: the 3x3 window does not fit the 2x2x832"
            + " input with pad 0: the input runs out of pixels (N + 2P = 2 is smaller than F = 3). Use a smaller"
            + " window, more padding, or a larger input.");
  }
}
