package dev.hubel.model;

import static dev.hubel.model.Layers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.op.Fit;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.AlexNet;
import dev.hubel.zoo.LeNet5;
import dev.hubel.zoo.Vgg16;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  /** Described and rebuilt, a model prints the same table and holds parameters of the same names and shapes. */
  static void assertRoundTrips(Model m) {
    Model again = Architecture.rebuild(m.name(), Architecture.describe(m));
    assertThat(again.summary()).isEqualTo(m.summary());
    assertThat(again.params()).extracting(p -> p.name() + p.shape()).containsExactlyElementsOf(
        m.params().stream().map(p -> p.name() + p.shape()).toList());
    assertThat(Architecture.describe(again)).isEqualTo(Architecture.describe(m));
  }

  @Test
  void lenet5RoundTrips() {
    assertRoundTrips(LeNet5.build());
  }

  @Test
  void everyCoreLayerRoundTrips() {
    Node x = input(3, 15, 15);
    x = relu(conv2d(x, 4, 3, 5, 2, 1, Fit.FLOOR));
    x = maxPool(x, 3, 2, 1, Fit.CEIL);
    x = avgPool(x, 2, 1);
    x = dense(flatten(x), 7);
    assertRoundTrips(Model.of("mixed", x));
  }

  @Test
  void anEditedArchitectureIsRefusedWithTheLayerAndKey() {
    List<Map<String, Object>> layers = new ArrayList<>();
    for (Map<String, Object> l : Architecture.describe(LeNet5.build())) layers.add(new LinkedHashMap<>(l));
    layers.get(1).put("filters", "six");
    assertThatThrownBy(() -> Architecture.rebuild("lenet", layers))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("layer 1 (CONV1)").hasMessageContaining("'filters' must be a whole number, received six");
    layers.get(1).put("filters", 6);
    layers.get(1).put("op", "conv9d");
    assertThatThrownBy(() -> Architecture.rebuild("lenet", layers)).hasMessageContaining("unknown layer op 'conv9d'");
    layers.get(1).put("op", "conv2d");
    layers.get(2).put("inputs", List.of("FC9"));
    assertThatThrownBy(() -> Architecture.rebuild("lenet", layers)).hasMessageContaining("input FC9 is not a layer defined before it");
  }

  // ---- AlexNet's layers and the models that use them (at reduced input sizes: the round trip does not depend on it) ----

  @Test
  void lrnDropoutAndGroupedConvolutionRoundTrip() {
    Node x = relu(conv2d(input(4, 9, 9), 6, 3, 3, 2, 0, Fit.EXACT, 2));
    x = lrn(x, 3, 0.5, 0.75, 1.5);
    x = dropout(dense(x, 5), 0.25);
    Model m = Model.of("AlexNet's layers", x);
    assertRoundTrips(m);
    assertThat(Architecture.describe(m).get(1)).containsEntry("groups", 2);
    assertThat(Architecture.describe(m).get(3)).containsEntry("alpha", 0.5).containsEntry("k", 1.5);
  }

  @Test
  void anUngroupedConvolutionIsDescribedWithoutGroupsAndReadBackAsOne() {
    List<Map<String, Object>> layers = Architecture.describe(LeNet5.build());
    assertThat(layers.get(1)).doesNotContainKey("groups");
    assertThat(Architecture.rebuild("LeNet-5", layers).summary()).isEqualTo(LeNet5.build().summary());
  }

  @Test
  void alexNetRoundTrips() {
    assertRoundTrips(AlexNet.build(10, Shape.chw(3, 67, 67), false));
    assertRoundTrips(AlexNet.build(10, Shape.chw(3, 67, 67), true));
  }

  @Test
  void vgg16RoundTrips() {
    assertRoundTrips(Vgg16.build(10, Shape.chw(3, 32, 32)));
  }

  // ---- sequences and maps ----

  @Test
  void textCnnAndAlphaGoPolicyRoundTrip() {
    assertRoundTrips(dev.hubel.zoo.TextCnn.build());
    assertRoundTrips(dev.hubel.zoo.AlphaGoPolicy.build());
  }

  @Test
  void everySequenceAndMapLayerRoundTrips() {
    Node words = embedding(input(dev.hubel.tensor.Shape.vector(9)), 30, 5);
    Node a = maxOverTime(relu(conv1d(words, 4, 3, 2, 1)));
    Node b = maxOverTime(conv1d(words, 2, 1, 1, 0));
    assertRoundTrips(Model.of("sentence", dense(concat(a, b, a), 3)));
    Node x = input(2, 6, 6);
    assertRoundTrips(Model.of("map", spatialSoftmax(conv2d(concat(conv2d(x, 3, 3, 1, 1), x), 1, 1, 1, 0))));
  }

  @Test
  void layersOfGraphsWithBranchesRoundTrip() {
    Node x = input(3, 8, 8);
    Node c = relu(batchNorm(conv2d(x, 4, 3, 3, 2, 1, Fit.FLOOR, false)));      // no bias: spec says so
    Node s = padChannels(maxPool(x, 1, 2, 0, Fit.FLOOR), 0, 1);
    Node y = concat(add(c, s), conv2d(c, 2, 1, 1, 0));
    y = batchNorm(dense(globalAvgPool(y), 5));
    Model m = Model.of("branches", y);
    assertRoundTrips(m);
    assertThat(Architecture.describe(m).get(1)).containsEntry("bias", false);
    assertThat(Architecture.describe(m).get(7)).as("CONV2").doesNotContainKey("bias");  // with bias: written as before the option
  }
}
