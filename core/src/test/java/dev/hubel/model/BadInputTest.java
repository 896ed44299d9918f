package dev.hubel.model;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.flatten;
import static dev.hubel.model.Layers.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.data.Dataset;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.Trainer;
import dev.hubel.zoo.LeNet5;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batches, datasets and graphs a model cannot take are refused with a message that says why. */
class BadInputTest {

  private static final WorkerPool ONE = new WorkerPool(1);

  private static String[] tenClasses() {
    String[] names = new String[10];
    for (int i = 0; i < 10; i++) names[i] = "class " + i;
    return names;
  }

  @Test
  void batchOfUnpaddedImagesIsRefusedWithTheHintToPad() {
    Plan plan = LeNet5.build().compile(64, ONE);
    assertThatThrownBy(() -> plan.load(new float[64 * 28 * 28], Shape.chw(1, 28, 28), 64))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("[32x32x1]")
        .hasMessageContaining("[28x28x1]")
        .hasMessageContaining("pad the images by 2");
  }

  @Test
  void moreExamplesThanThePlansBatchAreRefused() {
    Plan plan = LeNet5.build().compile(8, ONE);
    assertThatThrownBy(() -> plan.load(new float[9 * 32 * 32], Shape.chw(1, 32, 32), 9))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("at most 8")
        .hasMessageContaining("received 9 examples");
    assertThatThrownBy(() -> plan.forward(9, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..8")
        .hasMessageContaining("9");
  }

  @Test
  void fitOnUnpaddedDatasetIsRefusedBeforeTraining() {
    Model model = LeNet5.build();
    float[] before = model.params().get(0).value().clone();
    Dataset raw = new Dataset("tiny 28x28", Shape.chw(1, 28, 28), new float[4 * 28 * 28], new int[4], tenClasses());
    List<Object> epochs = new ArrayList<>();
    assertThatThrownBy(() -> Trainer.fit(model, raw, new TrainConfig(1, 2, 0.01f, 0.9f, 0f, 1), epochs::add))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("[32x32x1]")
        .hasMessageContaining("[28x28x1]")
        .hasMessageContaining("tiny 28x28")
        .hasMessageContaining("pad the images by 2");
    assertThat(epochs).isEmpty();
    assertThat(model.params().get(0).value()).containsExactly(before);
  }

  @Test
  void labelOutOfRangeIsRefusedNamingIt() {
    Plan plan = LeNet5.build().compile(2, ONE);
    plan.load(new float[2 * 32 * 32], Shape.chw(1, 32, 32), 2);
    assertThatThrownBy(() -> plan.trainStep(2, new int[] {3, 10}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 10")
        .hasMessageContaining("0..9");
    assertThatThrownBy(() -> plan.trainStep(2, new int[] {-1, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label -1");
  }

  @Test
  void convolutionOnAFlattenedVectorIsRefusedNamingTheLayer() {
    Node x = conv2d(input(1, 8, 8), 4, 3, 1, 1);     // CONV1
    Node flat = flatten(x);                            // [256]
    assertThatThrownBy(() -> conv2d(flat, 4, 3, 1, 1)) // CONV2
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("CONV2")
        .hasMessageContaining("[256]")
        .hasMessageContaining("FLATTEN");
    Node fc = dense(x, 10);
    assertThatThrownBy(() -> conv2d(fc, 4, 3, 1, 1))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("[10]");
  }

  @Test
  void aLayerThatFailsToBuildDoesNotUseUpItsName() {
    Node x = input(1, 7, 7);
    assertThatThrownBy(() -> conv2d(x, 1, 3, 3, 0)).isInstanceOf(ShapeException.class).hasMessageStartingWith("CONV1:");
    assertThat(conv2d(x, 1, 3, 1, 0).name()).isEqualTo("CONV1");
  }
}
