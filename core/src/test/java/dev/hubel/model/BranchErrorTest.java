package dev.hubel.model;

import static dev.hubel.model.Layers.add;
import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.concat;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.globalAvgPool;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.padChannels;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Layers that join branches, batch norm and their kin refuse what they cannot take, and say why. */
class BranchErrorTest {

  record Bad(String name, Runnable build, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badGraphs() {
    return Stream.of(
        new Bad("add of two sizes", () -> {
          Node x = input(3, 4, 4);
          add(conv2d(x, 3, 3, 3, 2, 1, Fit.FLOOR), x);
        }, "ADD1: only inputs of the same shape can be added, received CONV1 [2x2x3] and INPUT [4x4x3]. A shortcut"
            + " across a change of size or depth needs a projection (a 1x1 convolution at the block's stride) or"
            + " zero padding to match."),
        new Bad("add of two depths, named by their summary rows", () -> {
          Node x = Layers.relu(conv2d(input(3, 4, 4), 2, 1, 1, 0));
          add(conv2d(x, 4, 1, 1, 0), x);
        }, "ADD1: only inputs of the same shape can be added, received CONV2 [4x4x4] and CONV1 [4x4x2]."),
        new Bad("concat of two sizes, named by their summary rows", () -> {
          Node x = input(3, 6, 6);
          concat(Layers.relu(conv2d(x, 2, 1, 1, 0)), conv2d(x, 2, 3, 1, 0), x);
        }, "CONCAT1: inputs must agree in everything but their channels; CONV1 gives [6x6x2], CONV2 gives [4x4x2]"),
        new Bad("concat of one", () -> concat(input(3, 6, 6)), "CONCAT1: concatenation needs at least 2 inputs, received 1"),
        new Bad("concat of a volume and a vector", () -> {
          Node x = input(3, 2, 2);
          concat(x, dense(x, 3));
        }, "CONCAT1: inputs must agree in everything but their channels; INPUT gives [2x2x3], FC1 gives [3]"),
        new Bad("global pool of a vector", () -> globalAvgPool(input(Shape.vector(8))),
            "GLOBAL AVG POOL1: global average pooling needs a HxWxC volume as input, received [8]. Put it before"
                + " any FLATTEN or FC layer."),
        new Bad("zero channels, negative", () -> padChannels(input(2, 3, 3), -1, 2),
            "PAD1: the channels to add before and after must be 0 or more and not both 0, received -1 and 2"),
        new Bad("zero channels, none", () -> padChannels(input(2, 3, 3), 0, 0),
            "PAD1: the channels to add before and after must be 0 or more and not both 0, received 0 and 0"),
        new Bad("zero channels of a vector", () -> padChannels(input(Shape.vector(3)), 1, 1),
            "PAD1: padding channels needs a HxWxC volume as input, received [3]"),
        new Bad("max pool that runs out of pixels", () -> maxPool(input(4, 2, 2), 3, 2, 0, Fit.CEIL),
            "MAX POOL1: the 3x3 window does not fit the 2x2x4 input with pad 0: the input runs out of pixels"
                + " (N + 2P = 2 is smaller than F = 3). Use a smaller window, more padding, or a larger input."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badGraphs")
  void isRefusedWithAMessageThatSaysWhy(Bad b) {
    assertThatThrownBy(b.build()::run).isInstanceOf(ShapeException.class).hasMessageStartingWith(b.message());
  }

  @Test
  void batchNormRefusesToTrainOnOneValuePerChannel() {
    Model m = Model.of("bn", batchNorm(input(Shape.vector(4))));
    Plan plan = m.compile(2, new WorkerPool(1));
    plan.forward(1, false);  // inference uses the running statistics: one example is fine
    assertThatThrownBy(() -> plan.forward(1, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("BN1: batch norm in training needs more than 1 value per channel to take statistics of;"
            + " received a batch of 1 example of [4]. Train with batches of 2 or more.");
    plan.forward(2, true);
  }

  @Test
  void anArchitectureThatAddsThreeInputsIsRefused() {
    Node x = input(2, 3, 3);
    Model m = Model.of("res", add(conv2d(x, 2, 3, 1, 1), x));
    List<Map<String, Object>> layers = new ArrayList<>();
    for (Map<String, Object> l : Architecture.describe(m)) layers.add(new LinkedHashMap<>(l));
    layers.get(2).put("inputs", List.of("CONV1", "INPUT", "INPUT"));
    assertThatThrownBy(() -> Architecture.rebuild("res", layers))
        .isInstanceOf(ShapeException.class)
        .hasMessage("architecture of res, layer 2 (ADD1): takes 2 inputs, received 3");
  }
}
