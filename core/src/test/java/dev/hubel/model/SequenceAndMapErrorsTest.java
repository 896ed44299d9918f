package dev.hubel.model;

import static dev.hubel.model.Layers.concat;
import static dev.hubel.model.Layers.conv1d;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.embedding;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxOverTime;
import static dev.hubel.model.Layers.spatialSoftmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sequence and map layers refuse what they cannot take, saying where, what and what would be right. */
class SequenceAndMapErrorsTest {

  private static Node sentence() {
    return embedding(input(Shape.vector(4)), 10, 300);  // [4x300]
  }

  static Stream<Arguments> builds() {
    return Stream.of(
        Arguments.of("conv1d on an image", (ThrowingCallable) () -> conv1d(input(3, 8, 8), 4, 3, 1, 0),
            new String[] {"CONV1", "a 1-D convolution needs a sequence LxC", "received [8x8x3]", "Use conv2d"}),
        Arguments.of("conv1d with no filters", (ThrowingCallable) () -> conv1d(sentence(), 0, 3, 1, 0),
            new String[] {"CONV1", "the number of filters must be at least 1, received 0"}),
        Arguments.of("conv1d wider than the sentence", (ThrowingCallable) () -> conv1d(sentence(), 100, 5, 1, 0),
            new String[] {"CONV1", "the filter of width 5 does not fit the 4x300 input", "N + 2P = 4 is smaller than F = 5"}),
        Arguments.of("conv1d that does not tile", (ThrowingCallable) () -> conv1d(sentence(), 100, 3, 2, 0),
            new String[] {"CONV1", "filter of width 3", "(4 - 3 + 2*0) / 2 + 1 = 1.50, not a whole number"}),
        Arguments.of("embedding of an image", (ThrowingCallable) () -> embedding(input(1, 4, 4), 10, 8),
            new String[] {"EMBED1", "an embedding takes a vector of L token ids, received [4x4x1]", "Shape.vector(L)"}),
        Arguments.of("embedding of an empty vocabulary", (ThrowingCallable) () -> embedding(input(Shape.vector(4)), 0, 8),
            new String[] {"EMBED1", "the vocabulary must hold at least 1 token, received 0"}),
        Arguments.of("embedding into 0 dims", (ThrowingCallable) () -> embedding(input(Shape.vector(4)), 10, 0),
            new String[] {"EMBED1", "the embedding dimension must be at least 1, received 0"}),
        Arguments.of("max over time of an image", (ThrowingCallable) () -> maxOverTime(input(2, 5, 5)),
            new String[] {"MAX OVER TIME1", "needs a sequence LxC", "received [5x5x2]", "maxPool"}),
        Arguments.of("max over time of a vector", (ThrowingCallable) () -> maxOverTime(input(Shape.vector(7))),
            new String[] {"MAX OVER TIME1", "received [7]"}),
        Arguments.of("softmax over a map of 2 channels", (ThrowingCallable) () -> spatialSoftmax(input(2, 19, 19)),
            new String[] {"SOFTMAX1", "needs one map, HxWx1, received [19x19x2]", "1x1 convolution of 1 filter"}),
        Arguments.of("softmax over a map given a vector", (ThrowingCallable) () -> spatialSoftmax(input(Shape.vector(361))),
            new String[] {"SOFTMAX1", "received [361]"}),
        Arguments.of("concat of one node", (ThrowingCallable) () -> concat(input(Shape.vector(3))),
            new String[] {"CONCAT1", "needs at least 2 inputs, received 1"}),
        Arguments.of("concat of sequences of different lengths", (ThrowingCallable) () -> {
          Node words = sentence();
          concat(conv1d(words, 2, 2, 1, 0), conv1d(words, 2, 3, 1, 0));
        }, new String[] {"CONCAT1", "agree in everything but their channels", "CONV1 gives [3x2]", "CONV2 gives [2x2]"}),
        Arguments.of("concat of a vector and a volume", (ThrowingCallable) () -> {
          Node x = input(1, 4, 4);
          concat(dense(x, 3), conv2d(x, 2, 3, 1, 1));
        }, new String[] {"CONCAT1", "FC1 gives [3]", "CONV2 gives [4x4x2]"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("builds")
  void refusedWhenBuilt(String what, ThrowingCallable build, String[] fragments) {
    var thrown = assertThatThrownBy(build).isInstanceOf(ShapeException.class);
    for (String f : fragments) thrown.hasMessageContaining(f);
  }

  static Stream<Arguments> badIds() {
    return Stream.of(
        Arguments.of(20f, "token id 20 at position 2 of example 1 is not a whole number in 0..19 (the vocabulary has 20 tokens)"),
        Arguments.of(-1f, "token id -1 at position 2 of example 1"),
        Arguments.of(3.5f, "token id 3.5 at position 2 of example 1"),
        Arguments.of(Float.NaN, "token id NaN at position 2 of example 1"));
  }

  /** Ids are data, known only when the model runs: the first bad one is named with its example and position. */
  @ParameterizedTest(name = "id {0}")
  @MethodSource("badIds")
  void tokenIdsOutsideTheVocabularyAreRefusedWhenRun(float bad, String message) {
    Model m = Model.of("tiny", embedding(input(Shape.vector(4)), 20, 3));
    Plan plan = m.compile(2, new WorkerPool(2));
    float[] ids = {0, 1, 2, 19, 4, 5, bad, 7};
    plan.load(ids, Shape.vector(4), 2);
    assertThatThrownBy(() -> plan.forward(2, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EMBED1: " + message)
        .hasMessageContaining("map unknown words to an id inside the vocabulary");
    ids[6] = 19;  // the same plan runs once the ids are fixed
    plan.load(ids, Shape.vector(4), 2);
    plan.forward(2, false);
    float[] table = m.params().get(0).value();  // (20 tokens, 3 dims); the output is (2 examples, 3 dims, 4 positions)
    assertThat(plan.output()[0 * 12 + 0 * 4 + 3]).as("example 0, dim 0, position 3: id 19").isEqualTo(table[19 * 3]);
    assertThat(plan.output()[1 * 12 + 2 * 4 + 2]).as("example 1, dim 2, position 2: id 19").isEqualTo(table[19 * 3 + 2]);
  }

  /** A sequence prints LxC but is stored channels first: the message says both, so the floats can be laid out right. */
  @org.junit.jupiter.api.Test
  void aBatchOfTheWrongSequenceShapeIsRefusedSayingHowItIsStored() {
    Model m = Model.of("words", maxOverTime(conv1d(input(Shape.sequence(300, 56)), 4, 3, 1, 0)));
    Plan plan = m.compile(2, new WorkerPool(1));
    assertThatThrownBy(() -> plan.load(new float[2 * 56 * 200], Shape.sequence(200, 56), 2))
        .isInstanceOf(ShapeException.class)
        .hasMessageContaining("words takes a batch of [56x300] examples (NCHW: N x 300 x 56, channels by length)")
        .hasMessageContaining("received 2 examples of [56x200]");
  }
}
