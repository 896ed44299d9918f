package dev.hubel.train;

import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.flatten;
import static dev.hubel.model.Layers.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hubel.data.Dataset;
import dev.hubel.model.Model;
import dev.hubel.model.Normalization;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EvaluationTest {

  static Stream<Arguments> rows() {
    float[] rising = {0, 1, 2, 3, 4, 5, 6};
    float[] flat = new float[7];
    // logits (7 classes), label, predicted class, label in the top five
    return Stream.of(
        Arguments.of("label scores highest", rising, 6, 6, true),
        Arguments.of("label fifth", rising, 2, 6, true),
        Arguments.of("label sixth", rising, 1, 6, false),
        Arguments.of("all tied, label first", flat, 0, 0, true),
        Arguments.of("all tied, label fifth by index", flat, 4, 0, true),
        Arguments.of("all tied, label sixth by index", flat, 5, 0, false),
        Arguments.of("best in the middle", new float[] {0, 0, 0, 9, 0, 0, 0}, 3, 3, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void countsOneRow(String name, float[] logits, int label, int predicted, boolean top5) {
    long[][] confusion = new long[7][7];
    int hits = Evaluation.tally(logits, 1, 7, new int[] {label}, confusion);
    assertThat(hits).isEqualTo(top5 ? 1 : 0);
    assertThat(confusion[label][predicted]).isEqualTo(1);
    assertThat(Arrays.stream(confusion).flatMapToLong(Arrays::stream).sum()).isEqualTo(1);
  }

  /** 3 classes: cat 8 right of 10, dog 5 of 5, bird 0 of 0. */
  private static Evaluation small() {
    long[][] confusion = {{8, 1, 1}, {0, 5, 0}, {0, 0, 0}};
    return Evaluation.of(new String[] {"cat", "dog", "bird"}, confusion, 15, 15 * 0.5);
  }

  @Test
  void figuresFromTheConfusionMatrix() {
    Evaluation e = small();
    assertThat(e.count()).isEqualTo(15);
    assertThat(e.accuracy()).isEqualTo(13 / 15.0);
    assertThat(e.top5Accuracy()).isEqualTo(1.0);
    assertThat(e.loss()).isEqualTo(0.5);
    assertThat(e.perClassAccuracy()).containsExactly(0.8, 1.0, Double.NaN);
    assertThat(e.confusion()[0]).containsExactly(8, 1, 1);
    assertThat(e).hasToString("accuracy 86.67%, top-5 100.00%, loss 0.5000 on 15 examples");
  }

  @Test
  void rendersRowsLabelledByClassAndAligned() {
    assertThat(small().render()).isEqualTo("""
        accuracy 86.67% (13 of 15)   top-5 100.00%   loss 0.5000

        rows: true class; columns: predicted class
        class   accuracy  0  1  2
        0 cat     80.00%  8  1  1
        1 dog    100.00%  0  5  0
        2 bird         -  0  0  0
        """);
  }

  @Test
  void manyClassesAreListedWithoutTheMatrix() {
    int k = Evaluation.MATRIX_MAX_CLASSES + 1;
    long[][] confusion = new long[k][k];
    String[] names = new String[k];
    for (int j = 0; j < k; j++) {
      names[j] = "c" + j;
      confusion[j][j] = 1000;
      confusion[j][(j + 1) % k] = 500;
    }
    String text = Evaluation.of(names, confusion, 0, 0).render();
    assertThat(text).doesNotContain("columns");
    assertThat(text.lines().toList().get(2)).isEqualTo("class   accuracy     right        of");
    assertThat(text).contains("\n20 c20    66.67%     1,000     1,500\n");
  }

  /** Four outputs that are the four pixels of a 2x2 image: the logits are whatever the image holds. */
  private static Model pixelsAsLogits() {
    Model m = Model.of("pixels", dense(flatten(input(1, 2, 2)), 4));
    Param w = m.params().get(0);
    Arrays.fill(w.value(), 0f);
    for (int k = 0; k < 4; k++) w.value()[k * 4 + k] = 1f;
    Arrays.fill(m.params().get(1).value(), 0f);
    return m;
  }

  @Test
  void evaluatesAModelInBatchesWithItsNormalisation() {
    float[][] logits = {{4, 1, 1, 1}, {1, 5, 1, 1}, {1, 1, 1, 7}, {2, 3, 1, 1}, {1, 1, 9, 1}};
    int[] labels = {0, 1, 2, 3, 2};  // right, right, wrong (predicts 3), wrong (predicts 1), right
    float[] x = new float[20];
    for (int i = 0; i < 5; i++) System.arraycopy(logits[i], 0, x, 4 * i, 4);
    Dataset d = new Dataset("set", Shape.chw(1, 2, 2), x, labels, new String[] {"a", "b", "c", "d"});
    Model m = pixelsAsLogits().setNormalization(new Normalization(new float[] {1}, new float[] {2}));

    Evaluation e = Evaluation.of(m, d, 2);

    assertThat(e.count()).isEqualTo(5);
    assertThat(e.accuracy()).isEqualTo(0.6);
    assertThat(e.confusion()[2]).containsExactly(0, 0, 1, 1);
    assertThat(e.confusion()[3]).containsExactly(0, 1, 0, 0);
    double loss = 0;  // softmax cross-entropy of the normalised pixels, (x - 1) / 2, in double
    for (int i = 0; i < 5; i++) {
      double sum = 0;
      for (float v : logits[i]) sum += Math.exp((v - 1) / 2.0);
      loss += Math.log(sum) - (logits[i][labels[i]] - 1) / 2.0;
    }
    assertThat(e.loss()).isCloseTo(loss / 5, within(1e-6));
    assertThat(Trainer.accuracy(m, d, 3)).isEqualTo(0.6);
    assertThat(Evaluation.of(m, d, new int[] {0, 2}, 4).accuracy()).isEqualTo(0.5);
  }
}
