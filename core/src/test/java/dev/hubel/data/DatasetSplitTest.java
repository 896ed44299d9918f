package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetSplitTest {

  /** 100 one-pixel examples sorted by class like the npm digits: 60 of class 0, then 40 of class 1; pixel = index. */
  private static Dataset sortedByClass() {
    float[] x = new float[100];
    int[] y = new int[100];
    for (int i = 0; i < 100; i++) {
      x[i] = i;
      y[i] = i < 60 ? 0 : 1;
    }
    return new Dataset("sorted", Shape.chw(1, 1, 1), x, y, new String[] {"a", "b"});
  }

  private static List<Integer> pixels(Dataset d) {
    List<Integer> out = new ArrayList<>();
    for (float v : d.images()) out.add((int) v);
    return out;
  }

  @Test
  void holdsOutTheFractionOfEveryClass() {
    Splits s = sortedByClass().split(0.25, 7);

    Dataset test = s.requireTest();
    assertThat(test.size()).isEqualTo(25);
    assertThat(java.util.Arrays.stream(test.labels()).filter(l -> l == 0).count()).isEqualTo(15); // 25% of 60
    assertThat(java.util.Arrays.stream(test.labels()).filter(l -> l == 1).count()).isEqualTo(10); // 25% of 40
    assertThat(s.train().size()).isEqualTo(75);
    assertThat(test.name()).isEqualTo("sorted held-out part");
    assertThat(s.train().name()).isEqualTo("sorted train part");
    assertThat(test.classNames()).containsExactly("a", "b");
  }

  @Test
  void roundingLeftoversGoToTheClassThatLostMost() {
    // 8 of class 0 and 2 of class 1; a quarter is 2.5 examples, rounded to 3 in all.
    // Class 0's share is exactly 2; class 1's is 0.5, rounded down to 0, so it gets the third.
    float[] x = new float[10];
    int[] y = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    Dataset d = new Dataset("d", Shape.chw(1, 1, 1), x, y, new String[] {"a", "b"});

    Dataset test = d.split(0.25, 9).requireTest();

    assertThat(test.labels()).containsExactlyInAnyOrder(0, 0, 1);
  }

  @Test
  void partsAreDisjointCoverEverythingAndKeepLabelsWithImages() {
    Splits s = sortedByClass().split(0.3, 1);

    List<Integer> all = new ArrayList<>(pixels(s.train()));
    all.addAll(pixels(s.requireTest()));
    assertThat(all).containsExactlyInAnyOrderElementsOf(pixels(sortedByClass()));
    for (Dataset d : List.of(s.train(), s.requireTest())) {
      for (int i = 0; i < d.size(); i++) assertThat(d.labels()[i]).isEqualTo(d.images()[i] < 60 ? 0 : 1);
    }
  }

  @Test
  void sameSeedSameSplitOtherSeedOtherSplit() {
    Dataset d = sortedByClass();
    assertThat(pixels(d.split(0.2, 42).requireTest())).isEqualTo(pixels(d.split(0.2, 42).requireTest()));
    assertThat(pixels(d.split(0.2, 42).requireTest())).isNotEqualTo(pixels(d.split(0.2, 43).requireTest()));
  }

  @Test
  void partsAreShuffledSoAPrefixIsAFairSample() {
    Dataset train = sortedByClass().split(0.2, 3).train();
    assertThat(train.subset(0, 20).labels()).contains(0, 1);
  }

  @ParameterizedTest(name = "fraction {0}")
  @ValueSource(doubles = {0, 1, -0.5, 1.5, Double.NaN})
  void fractionOutsideZeroToOneIsRefused(double fraction) {
    assertThatThrownBy(() -> sortedByClass().split(fraction, 1))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains("dataset sorted", "cannot hold out a fraction of " + fraction, "strictly between 0 and 1");
  }

  @Test
  void orHoldOutKeepsAnOfficialTestSplit() {
    Dataset train = sortedByClass();
    Dataset test = sortedByClass().subset(0, 10);
    assertThat(new Splits(train, test).orHoldOut(0.5, 1).requireTest()).isSameAs(test);
  }

  @Test
  void orHoldOutSplitsASingleSplit() {
    Splits s = Splits.single(sortedByClass());
    assertThat(s.test()).isEmpty();
    Splits held = s.orHoldOut(0.1, 5);
    assertThat(held.requireTest().size()).isEqualTo(10);
    assertThat(held.train().size()).isEqualTo(90);
    assertThat(held.vocabulary()).isEqualTo(Optional.empty());
  }

  @Test
  void requireTestOnASingleSplitSaysHowToMakeOne() {
    assertThatThrownBy(() -> Splits.single(sortedByClass()).requireTest())
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains("dataset sorted has no test split", "orHoldOut(fraction, seed)");
  }
}
