package dev.hubel.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AlexNet and VGG-16: published parameter counts, a training step through each, inputs too small for them. */
class AlexNetVgg16Test {
  private static final WorkerPool POOL = new WorkerPool(2);

  /** Weights (F*F*C)*K plus K biases per layer, as the lecture counts them, against the papers' totals. */
  static Stream<Arguments> publishedCounts() {
    long alexNet = (11 * 11 * 3) * 96 + 96           // CONV1      34,944
        + (5 * 5 * 96) * 256 + 256                   // CONV2     614,656
        + (3 * 3 * 256) * 384 + 384                  // CONV3     885,120
        + (3 * 3 * 384) * 384 + 384                  // CONV4   1,327,488
        + (3 * 3 * 384) * 256 + 256                  // CONV5     884,992
        + (6 * 6 * 256) * 4096 + 4096                // FC6    37,752,832
        + 4096 * 4096 + 4096                         // FC7    16,781,312
        + 4096 * 1000 + 1000;                        // FC8     4,097,000
    // two towers: CONV2, CONV4 and CONV5 each see half their input channels
    long twoTowers = alexNet - (5 * 5 * 48) * 256 - (3 * 3 * 192) * 384 - (3 * 3 * 192) * 256;
    long vgg16 = (3 * 3 * 3) * 64 + 64 + (3 * 3 * 64) * 64 + 64          // block 1
        + (3 * 3 * 64) * 128 + 128 + (3 * 3 * 128) * 128 + 128           // block 2
        + (3 * 3 * 128) * 256 + 256 + 2 * ((3 * 3 * 256) * 256 + 256)    // block 3
        + (3 * 3 * 256) * 512 + 512 + 2 * ((3 * 3 * 512) * 512 + 512)    // block 4
        + 3 * ((3 * 3 * 512) * 512 + 512)                                 // block 5: convs 14,714,688
        + (7 * 7 * 512) * 4096L + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000;  // FC14..FC16
    return Stream.of(
        Arguments.of("AlexNet, the lecture's table", (Supplier<Model>) AlexNet::build, alexNet, 62_378_344L),
        Arguments.of("AlexNet, two towers (Krizhevsky et al.'s 60 million)",
            (Supplier<Model>) () -> AlexNet.build(1000, Shape.chw(3, 227, 227), true), twoTowers, 60_965_224L),
        Arguments.of("VGG-16 (Simonyan & Zisserman's 138 million)", (Supplier<Model>) Vgg16::build, vgg16, 138_357_544L));
  }

  @ParameterizedTest(name = "{0}: {3} parameters")
  @MethodSource
  void publishedCounts(String name, Supplier<Model> build, long byHand, long published) {
    assertThat(byHand).as("worked out layer by layer").isEqualTo(published);
    assertThat(build.get().paramCount()).isEqualTo(published);
  }

  /** Smaller inputs (and 10 classes) than the published ones, so that a pass takes a fraction of a second. */
  static Stream<Arguments> reduced() {
    return Stream.of(
        Arguments.of("AlexNet on 67x67", (Supplier<Model>) () -> AlexNet.build(10, Shape.chw(3, 67, 67), false)),
        Arguments.of("AlexNet, two towers, on 67x67", (Supplier<Model>) () -> AlexNet.build(10, Shape.chw(3, 67, 67), true)),
        Arguments.of("VGG-16 on 32x32", (Supplier<Model>) () -> Vgg16.build(10, Shape.chw(3, 32, 32))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reduced")
  void aTrainingStepReachesEveryParameter(String name, Supplier<Model> build) {
    Model model = build.get();
    int n = 2;
    Plan plan = model.compile(n, POOL);
    SplittableRandom rnd = new SplittableRandom(5);
    for (int i = 0; i < n * model.inputShape().size(); i++) plan.input()[i] = (float) rnd.nextGaussian();
    float loss = plan.trainStep(n, new int[] {3, 7});
    assertThat(loss).as("loss").isFinite().isPositive();
    for (Param p : model.params()) {
      double largest = 0;
      for (float g : p.grad()) {
        assertThat(g).as("%s: every gradient entry finite", p.name()).isFinite();
        largest = Math.max(largest, Math.abs(g));
      }
      assertThat(largest).as("%s: largest |gradient|", p.name()).isGreaterThan(0);
    }
  }

  /** Inputs the windows cannot tile: refused while building, naming the model, the input, the layer and the sizes that work. */
  static Stream<Arguments> tooSmall() {
    return Stream.of(
        Arguments.of("AlexNet on 35x35: MAX POOL3 gets a 1x1 map", (Supplier<Model>) () -> AlexNet.build(10, Shape.chw(3, 35, 35), false),
            new String[] {"AlexNet cannot take [35x35x3] inputs: MAX POOL3: the 3x3 window does not fit the 1x1x256 input",
                "the input runs out of pixels (N + 2P = 1 is smaller than F = 3)", "67, 99, 131, 163, 195, 227"}),
        Arguments.of("AlexNet on 32x32: CONV1 does not tile it", (Supplier<Model>) () -> AlexNet.build(10, Shape.chw(3, 32, 32), false),
            new String[] {"AlexNet cannot take [32x32x3] inputs: CONV1: the 11x11 filter does not fit the 32x32x3 input at stride 4, pad 0",
                "(32 - 11 + 2*0) / 4 + 1 = 6.25, not a whole number", "67, 99, 131, 163, 195, 227"}),
        Arguments.of("VGG-16 on 16x16: MAX POOL5 gets a 1x1 map", (Supplier<Model>) () -> Vgg16.build(10, Shape.chw(3, 16, 16)),
            new String[] {"VGG-16 cannot take [16x16x3] inputs: MAX POOL5: the 2x2 window does not fit the 1x1x512 input",
                "runs out of pixels", "multiples of 32"}),
        Arguments.of("VGG-16 on 24x24: MAX POOL4 gets a 3x3 map", (Supplier<Model>) () -> Vgg16.build(10, Shape.chw(3, 24, 24)),
            new String[] {"VGG-16 cannot take [24x24x3] inputs: MAX POOL4: the 2x2 window does not fit the 3x3x512 input",
                "1.50, not a whole number", "multiples of 32"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void tooSmall(String name, Supplier<Model> build, String[] message) {
    assertThatThrownBy(build::get).isInstanceOf(ShapeException.class).message().contains(message);
  }
}
