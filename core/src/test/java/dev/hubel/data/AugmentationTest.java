package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.tensor.Shape;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AugmentationTest {

  /** A 3x3 image, pixels 1..9 row by row. */
  private static final float[] IMAGE = {
      1, 2, 3,
      4, 5, 6,
      7, 8, 9};

  static Stream<Arguments> transforms() {
    // name, flip, cropY, cropX, shiftY, shiftX, expected: worked out by hand from the definitions
    return Stream.of(
        Arguments.of("identity", false, 0, 0, 0, 0, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}),
        Arguments.of("flip", true, 0, 0, 0, 0, new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7}),
        // pad 1, crop window at (2, 0) of the 5x5 padded image: rows 2..4, columns 0..2
        Arguments.of("crop window bottom left", false, 1, -1, 0, 0, new float[] {0, 4, 5, 0, 7, 8, 0, 0, 0}),
        // pad 1, window at (0, 2): rows 0..2, columns 2..4
        Arguments.of("crop window top right", false, -1, 1, 0, 0, new float[] {0, 0, 0, 2, 3, 0, 5, 6, 0}),
        // pad 2 (window offsets 0..4): window at (4, 4) keeps only the bottom-right pixel, in the top-left corner
        Arguments.of("crop window far corner", false, 2, 2, 0, 0, new float[] {9, 0, 0, 0, 0, 0, 0, 0, 0}),
        // crop then mirror: the cropped image [0 4 5 / 0 7 8 / 0 0 0] flipped left-right
        Arguments.of("crop and flip", true, 1, -1, 0, 0, new float[] {5, 4, 0, 8, 7, 0, 0, 0, 0}),
        // content moves right by 1; the uncovered left column repeats the edge
        Arguments.of("translate right", false, 0, 0, 0, 1, new float[] {1, 1, 2, 4, 4, 5, 7, 7, 8}),
        // content moves up by 1; the uncovered bottom row repeats the edge
        Arguments.of("translate up", false, 0, 0, -1, 0, new float[] {4, 5, 6, 7, 8, 9, 7, 8, 9}),
        // translate right by 1, then crop the window at (1, 2) of the padded image: columns 1..3 of the translated
        Arguments.of("translate then crop", false, 0, 1, 0, 1, new float[] {1, 2, 0, 4, 5, 0, 7, 8, 0}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transforms")
  void transformsASmallImageAsWorkedOutByHand(String name, boolean flip, int cropY, int cropX, int shiftY, int shiftX,
                                              float[] expected) {
    float[] out = new float[9];
    Augmentation.transform(IMAGE, 0, out, 0, 1, 3, 3, flip, cropY, cropX, shiftY, shiftX);
    assertThat(out).containsExactly(expected);
  }

  @Test
  void movesEveryChannelAlikeAndWritesAtTheOffsetsGiven() {
    // a 2x2x2 image: channel 0 is 1..4, channel 1 is 5..8, stored after 3 floats of something else
    float[] src = {-1, -1, -1, 1, 2, 3, 4, 5, 6, 7, 8};
    float[] out = new float[10];
    Augmentation.transform(src, 3, out, 2, 2, 2, 2, true, 0, 0, 0, 0);
    assertThat(out).containsExactly(0, 0, 2, 1, 4, 3, 6, 5, 8, 7);
  }

  @Test
  void drawsEveryOffsetAndFlipsAboutHalf() {
    Augmentation a = new Augmentation(2, true, 0);
    float[] single = new float[25];
    single[12] = 1;  // the centre pixel of a 5x5 image: where it lands tells the offset and flip
    Set<Integer> positions = new HashSet<>();
    int flips = 0, draws = 4000;
    for (int i = 0; i < draws; i++) {
      float[] out = new float[25];
      a.apply(single, 0, out, 0, 1, 5, 5, CounterRandom.hash(77, i));
      int at = -1;
      for (int p = 0; p < 25; p++) if (out[p] == 1) at = p;
      positions.add(at);
    }
    assertThat(positions).hasSize(25);  // offsets -2..2 in both directions
    // flips: a left-right asymmetric image tells flipped from not
    float[] edge = new float[25];
    edge[10] = 1;  // row 2, column 0
    Augmentation flipOnly = new Augmentation(0, true, 0);
    for (int i = 0; i < draws; i++) {
      float[] out = new float[25];
      flipOnly.apply(edge, 0, out, 0, 1, 5, 5, CounterRandom.hash(78, i));
      if (out[14] == 1) flips++;
      else assertThat(out[10]).isEqualTo(1);
    }
    assertThat(flips).isBetween(draws / 2 - 150, draws / 2 + 150);
  }

  @Test
  void theSameKeyGivesTheSameVariation() {
    Augmentation a = new Augmentation(1, true, 1);
    float[] x = new float[2 * 4 * 4];
    for (int i = 0; i < x.length; i++) x[i] = i;
    float[] first = new float[x.length], second = new float[x.length];
    a.apply(x, 0, first, 0, 2, 4, 4, 12345);
    a.apply(x, 0, second, 0, 2, 4, 4, 12345);
    assertThat(second).containsExactly(first);
  }

  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of((Runnable) () -> new Augmentation(-1, false, 0), "crop padding must be 0 or more pixels, received -1"),
        Arguments.of((Runnable) () -> new Augmentation(0, false, -2), "translation must be 0 or more pixels, received -2"),
        Arguments.of((Runnable) () -> new Augmentation(0, false, 0, -0.1f), "PCA lighting's std must be 0 (off) or more, received -0.1; AlexNet used 0.1"),
        Arguments.of((Runnable) () -> Augmentation.NONE.withLighting(0.1f).requireFits(Shape.vector(10), "dataset flat"),
            "dataset flat holds examples of 10, not images; augmentation needs C x H x W images"),
        Arguments.of((Runnable) () -> Augmentation.NONE.withLighting(0.1f).apply(new float[3], 0, new float[3], 0, 3, 1, 1, 1L),
            "PCA lighting needs the colour components of 3-channel images; compute them with PcaLighting.of"),
        Arguments.of((Runnable) () -> new Augmentation(4, false, 0).requireFits(Shape.chw(1, 4, 8), "dataset tiny"),
            "dataset tiny: crop padding 4 and translation 0 must be below the image's smaller side (4 of 4x8x1)"),
        Arguments.of((Runnable) () -> new Augmentation(0, true, 0).requireFits(Shape.vector(10), "dataset flat"),
            "dataset flat holds examples of 10, not images; augmentation needs C x H x W images"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badSettings")
  void refusesSettingsThatCannotWork(Runnable bad, String message) {
    assertThatThrownBy(bad::run).hasMessageContaining(message);
  }

  @Test
  void describesItselfInWords() {
    assertThat(Augmentation.NONE).hasToString("none");
    assertThat(Augmentation.cifar()).hasToString("pad 4 and crop, flip");
    assertThat(new Augmentation(0, false, 2)).hasToString("translate +-2");
    assertThat(Augmentation.cifar().withLighting(0.1f)).hasToString("pad 4 and crop, flip, PCA lighting 0.1");
    assertThat(Augmentation.NONE.withLighting(0.1f).isNone()).isFalse();
    assertThat(Augmentation.NONE.isNone()).isTrue();
    assertThat(Augmentation.cifar().isNone()).isFalse();
  }
}
