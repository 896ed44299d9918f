package dev.hubel.model;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The numbers the CNN lecture works out by hand, checked against the builder. */
class LectureExamplesTest {

  /** (N - F + 2P) / S + 1 on a square single-channel input; expected output side from the lecture. */
  @ParameterizedTest(name = "{0}x{0} input, {1}x{1} filter, stride {2}, pad {3} -> {4}x{4}")
  @CsvSource({
      // the lecture's 7x7 walk-through
      "7, 3, 1, 0, 5",
      "7, 3, 2, 0, 3",
      "7, 3, 1, 1, 7",
      // F = 3, 5, 7 with pad (F-1)/2 at stride 1 preserve the size
      "7, 3, 1, 1, 7",
      "7, 5, 1, 2, 7",
      "7, 7, 1, 3, 7",
      "32, 3, 1, 1, 32",
      "32, 5, 1, 2, 32",
      "32, 7, 1, 3, 32",
  })
  void outputSize(int n, int f, int stride, int pad, int out) {
    Node x = conv2d(input(1, n, n), 1, f, stride, pad);
    assertThat(x.shape()).isEqualTo(Shape.chw(1, out, out));
    assertThat(x.shape().toString()).isEqualTo(out + "x" + out + "x1");
  }

  @Test
  void strideThreeOnSevenFailsAtBuildTimeShowingTheArithmetic() {
    Node in = input(1, 7, 7);
    assertThatThrownBy(() -> conv2d(in, 1, 3, 3, 0))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("CONV1")
        .hasMessageContaining("7x7")
        .hasMessageContaining("3x3")
        .hasMessageContaining("stride 3")
        .hasMessageContaining("pad 0")
        .hasMessageContaining("2.33");
  }

  @Test
  void sixFiveByFiveFiltersOnA32x32x3Image() {
    Node x = conv2d(input(3, 32, 32), 6, 5, 1, 0);
    assertThat(x.shape().toString()).isEqualTo("28x28x6");
    Model m = Model.of("one conv", x);
    assertThat(m.paramCount()).isEqualTo((5 * 5 * 3) * 6 + 6).isEqualTo(456);
  }

  @Test
  void maxPoolOfTheLecturesDepthSlice() {
    Node in = input(1, 4, 4);
    Node pool = maxPool(in, 2, 2);
    assertThat(pool.shape().toString()).isEqualTo("2x2x1");
    Model m = Model.of("pool", pool);
    assertThat(m.paramCount()).isZero();
    Plan plan = m.compile(1, new WorkerPool(1));
    plan.load(new float[] {
        1, 1, 2, 4,
        5, 6, 7, 8,
        3, 2, 1, 0,
        1, 2, 3, 4}, Shape.chw(1, 4, 4), 1);
    plan.forward(1, false);
    assertThat(plan.output()).containsExactly(6, 8, 3, 4);
    assertThat(plan.activations(pool)).containsExactly(6, 8, 3, 4);
  }

  @Test
  void alexNetConv1AndPool1() {
    Node in = input(3, 227, 227);
    Node conv1 = conv2d(in, 96, 11, 4, 0);
    assertThat(conv1.name()).isEqualTo("CONV1");
    assertThat(conv1.shape().toString()).isEqualTo("55x55x96");
    Node pool1 = maxPool(conv1, 3, 2);
    assertThat(pool1.name()).isEqualTo("MAX POOL1");
    assertThat(pool1.shape().toString()).isEqualTo("27x27x96");

    Model m = Model.of("AlexNet stem", pool1);
    assertThat(m.params()).hasSize(2);
    Param w = m.params().get(0);
    Param b = m.params().get(1);
    assertThat(w.name()).isEqualTo("CONV1.weight");
    assertThat(w.size()).isEqualTo(11 * 11 * 3 * 96).isEqualTo(34_848);
    assertThat(b.name()).isEqualTo("CONV1.bias");
    assertThat(b.size()).isEqualTo(96);
    assertThat(m.paramCount()).isEqualTo(34_944); // pooling adds none
  }

  @Test
  void windowLargerThanItsInputRunsOutOfPixels() {
    Node in = input(1, 3, 3);
    assertThatThrownBy(() -> conv2d(in, 1, 5, 1, 0))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("CONV1")
        .hasMessageContaining("5x5")
        .hasMessageContaining("3x3")
        .hasMessageContaining("runs out of pixels");
  }

  @Test
  void resNetStemBuildsWithFloor() {
    Node in = input(3, 224, 224);
    // exact fit refuses: (224 - 7 + 6) / 2 + 1 = 112.5
    assertThatThrownBy(() -> conv2d(in, 64, 7, 7, 2, 3, Fit.EXACT))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("112.50");
    Node conv = conv2d(in, 64, 7, 7, 2, 3, Fit.FLOOR);
    assertThat(conv.shape().toString()).isEqualTo("112x112x64");
    Node pool = maxPool(conv, 3, 2, 1, Fit.FLOOR);
    assertThat(pool.shape().toString()).isEqualTo("56x56x64");
  }
}
