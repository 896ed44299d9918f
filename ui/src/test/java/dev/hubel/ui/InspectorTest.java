package dev.hubel.ui;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.model.Model;
import org.junit.jupiter.api.Test;

/** The inspector's copy stays small beside the model it watches. */
class InspectorTest {

  @Test
  void runsFewerExamplesAtOnceForNetworksWithBigActivations() {
    assertThat(Inspector.batchFor(Fixtures.lenet())).isEqualTo(32);
    // 224x224x3 in, 224x224x64, 7x7x64, 10: (150,528 + 3,211,264 + 3,136 + 10) floats, values and gradients: 26.9 MB an example
    Model wide = Model.of("wide", dense(maxPool(conv2d(input(3, 224, 224), 64, 3, 1, 1), 32, 32), 10));
    assertThat(Inspector.batchFor(wide)).isEqualTo(2);
    // 256 channels and their ReLU: 206 MB an example, which it still runs, one at a time
    Model wider = Model.of("wider", dense(maxPool(relu(conv2d(input(3, 224, 224), 256, 3, 1, 1)), 32, 32), 10));
    assertThat(Inspector.batchFor(wider)).isEqualTo(1);
  }
}
