package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SplitTest {

  @ParameterizedTest(name = "{0} examples, fraction {1}: {2} held out")
  @CsvSource({"1000, 0.1, 100", "1000, 0, 0", "10, 0.25, 3", "10, 0.01, 1", "2, 0.5, 1"})
  void holdsOutTheFractionAskedForAndKeepsEveryExampleOnce(int size, double fraction, int held) {
    Split s = Split.of(size, fraction, 7);
    assertThat(s.validation()).hasSize(held).isSorted();
    assertThat(s.train()).hasSize(size - held).isSorted();
    int[] all = IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())).sorted().toArray();
    assertThat(all).containsExactly(IntStream.range(0, size).toArray());
  }

  @Test
  void theSeedAloneDecides() {
    assertThat(Split.of(500, 0.2, 1)).isEqualTo(Split.of(500, 0.2, 1));
    assertThat(Split.of(500, 0.2, 1)).isNotEqualTo(Split.of(500, 0.2, 2));
    assertThat(Split.of(500, 0.2, 1).validation()).isNotEqualTo(IntStream.range(0, 100).toArray());  // not just the first ones
    assertThat(Split.none(5).train()).containsExactly(0, 1, 2, 3, 4);
    assertThat(Split.of(10, 0.3, 4)).hasToString("7 to train, 3 to validate");
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of(10, 1.0, "the validation fraction must be in [0, 1), received 1.0; 0.1 holds out a tenth of the training set"),
        Arguments.of(10, -0.1, "the validation fraction must be in [0, 1), received -0.1"),
        Arguments.of(1, 0.5, "holding out 1 of 1 examples to validate leaves none to train on; use a smaller validation fraction or more data"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("bad")
  void refusesSplitsThatLeaveNothing(int size, double fraction, String message) {
    assertThatThrownBy(() -> Split.of(size, fraction, 1)).isInstanceOf(DataException.class).hasMessageContaining(message);
  }
}
