package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hubel.tensor.Shape;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DatasetTest {

  private static final String[] TWO_CLASSES = {"no", "yes"};

  /** Three 1x2x2 examples whose pixels are 1..12, labelled 0, 1, 0. */
  private static Dataset tiny() {
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    return new Dataset("tiny", Shape.chw(1, 2, 2), x, new int[] {0, 1, 0}, TWO_CLASSES);
  }

  @Test
  void reportsSizeAndClasses() {
    Dataset d = tiny();
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.classes()).isEqualTo(2);
    assertThat(d.classNames()).containsExactly("no", "yes");
    assertThat(d.toString()).isEqualTo("tiny: 3 examples of 2x2x1, 2 classes");
  }

  @Test
  void paddingPutsEachImageInTheCentreOfZeros() {
    Dataset padded = tiny().padded(1);

    assertThat(padded.shape()).isEqualTo(Shape.chw(1, 4, 4));
    assertThat(padded.labels()).containsExactly(0, 1, 0);
    float[] second = new float[16];
    System.arraycopy(padded.images(), 16, second, 0, 16);
    assertThat(second).containsExactly(
        0, 0, 0, 0,
        0, 5, 6, 0,
        0, 7, 8, 0,
        0, 0, 0, 0);
  }

  @Test
  void paddingKeepsChannelsApart() {
    // one 2x1x1 example: channel 0 is 1, channel 1 is 2
    Dataset d = new Dataset("c2", Shape.chw(2, 1, 1), new float[] {1, 2}, new int[] {1}, TWO_CLASSES);

    Dataset padded = d.padded(1);

    assertThat(padded.shape()).isEqualTo(Shape.chw(2, 3, 3));
    assertThat(padded.images()).containsExactly(
        0, 0, 0, 0, 1, 0, 0, 0, 0,
        0, 0, 0, 0, 2, 0, 0, 0, 0);
  }

  @Test
  void normalisingSubtractsMeanAndDividesByStd() {
    Dataset n = tiny().normalized(2, 4);
    assertThat(n.images()).containsExactly(
        -0.25f, 0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f, 1.5f, 1.75f, 2f, 2.25f, 2.5f);
    assertThat(tiny().images()[0]).isEqualTo(1f); // the original is untouched
  }

  @Test
  void meanAndStdOfOneToTwelve() {
    // mean 6.5; population variance of 1..12 is (12^2 - 1) / 12 = 143/12
    float[] ms = tiny().meanStd();
    assertThat(ms[0]).isEqualTo(6.5f);
    assertThat(ms[1]).isCloseTo((float) Math.sqrt(143.0 / 12), within(1e-6f));
  }

  @Test
  void normalisingByItsOwnMeanAndStdGivesZeroMeanUnitStd() {
    Dataset d = tiny();
    float[] ms = d.meanStd();
    float[] after = d.normalized(ms[0], ms[1]).meanStd();
    assertThat(after[0]).isCloseTo(0f, within(1e-6f));
    assertThat(after[1]).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void subsetCopiesASlice() {
    Dataset s = tiny().subset(1, 3);
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.images()).containsExactly(5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(s.labels()).containsExactly(1, 0);
    assertThat(s.name()).isEqualTo("tiny[1, 3)");
  }

  @Test
  void copyBatchFollowsTheOrder() {
    float[] x = new float[8];
    int[] y = new int[2];
    tiny().copyBatch(new int[] {0, 2, 1}, 1, 2, x, y);
    assertThat(x).containsExactly(9, 10, 11, 12, 5, 6, 7, 8);
    assertThat(y).containsExactly(0, 1);
  }

  static Stream<Arguments> misuse() {
    float[] x = new float[8];
    int[] y = new int[2];
    return Stream.of(
        Arguments.of("images do not match labels",
            (Runnable) () -> new Dataset("bad", Shape.chw(1, 2, 2), new float[7], new int[2], TWO_CLASSES),
            new String[] {"dataset bad", "2 labels of shape 2x2x1 need 8 floats", "7 were given"}),
        Arguments.of("label out of range",
            (Runnable) () -> new Dataset("bad", Shape.chw(1, 1, 1), new float[2], new int[] {1, 2}, TWO_CLASSES),
            new String[] {"dataset bad", "label 2 of example 1 is outside 0..1"}),
        Arguments.of("negative label",
            (Runnable) () -> new Dataset("bad", Shape.chw(1, 1, 1), new float[1], new int[] {-1}, TWO_CLASSES),
            new String[] {"label -1 of example 0"}),
        Arguments.of("no classes",
            (Runnable) () -> new Dataset("bad", Shape.chw(1, 1, 1), new float[0], new int[0], new String[0]),
            new String[] {"dataset bad has no class names"}),
        Arguments.of("subset out of range", (Runnable) () -> tiny().subset(2, 4),
            new String[] {"dataset tiny", "subset [2, 4)", "3 examples"}),
        Arguments.of("negative padding", (Runnable) () -> tiny().padded(-1),
            new String[] {"dataset tiny", "received -1"}),
        Arguments.of("zero std", (Runnable) () -> tiny().normalized(0, 0),
            new String[] {"dataset tiny", "std 0.0"}),
        Arguments.of("batch past the order", (Runnable) () -> tiny().copyBatch(new int[] {0, 1}, 1, 2, x, y),
            new String[] {"dataset tiny", "batch [1, 3)", "order of 2 indices"}),
        Arguments.of("buffers too small", (Runnable) () -> tiny().copyBatch(new int[] {0, 1, 2}, 0, 3, x, y),
            new String[] {"needs 12 floats and 3 labels", "hold 8 and 2"}),
        Arguments.of("index past the data", (Runnable) () -> tiny().copyBatch(new int[] {0, 3}, 0, 2, x, y),
            new String[] {"order[1] = 3", "expected 0..2"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misuse")
  void misuseFailsWithAMessageNamingTheDataset(String caseName, Runnable action, String[] expected) {
    assertThatThrownBy(action::run)
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(expected);
  }
}
