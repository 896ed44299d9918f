package dev.hubel.model;

import static dev.hubel.model.Layers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.op.Fit;
import dev.hubel.tensor.ShapeException;
import dev.hubel.zoo.LeNet5;
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
