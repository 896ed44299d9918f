package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageFolderTest {

  @TempDir Path root;

  private static final int RED = 0xFF0000, GREEN = 0x00FF00, BLUE = 0x0000FF, WHITE = 0xFFFFFF;

  @Test
  void classesAreSortedFolderNamesAndImagesKeepTheirPlanes() {
    // written out of order: "dog" before "cat", "b.png" before "a.png"
    Fixtures.writeImage(root.resolve("dog/b.png"), Fixtures.rgb(2, 1, WHITE, 0));
    Fixtures.writeImage(root.resolve("cat/b.png"), Fixtures.rgb(2, 1, BLUE, BLUE));
    Fixtures.writeImage(root.resolve("cat/a.png"), Fixtures.rgb(2, 1, RED, GREEN));

    Dataset d = ImageFolder.load(root, 3, 1, 2);

    assertThat(d.name()).isEqualTo(root.getFileName().toString());
    assertThat(d.shape()).isEqualTo(Shape.chw(3, 1, 2));
    assertThat(d.classNames()).containsExactly("cat", "dog");
    assertThat(d.labels()).containsExactly(0, 0, 1);
    assertThat(d.example(0)).containsExactly(1, 0, /* green */ 0, 1, /* blue */ 0, 0); // cat/a.png: red, green
    assertThat(d.example(1)).containsExactly(0, 0, 0, 0, 1, 1);
    assertThat(d.example(2)).containsExactly(1, 0, 1, 0, 1, 0);
  }

  @Test
  void greyImagesKeepTheirValuesInsteadOfJava2dsLinearGreyBrightening() {
    Fixtures.writeImage(root.resolve("a/1.png"), Fixtures.grey(3, 1, 0, 128, 255));
    Fixtures.writeImage(root.resolve("b/1.png"), Fixtures.grey(3, 1, 51, 51, 51));

    Dataset grey = ImageFolder.load(root, 1, 1, 3);
    Dataset rgb = ImageFolder.load(root, 3, 1, 3);

    assertThat(grey.example(0)).containsExactly(0f, 128 / 255f, 1f);
    assertThat(rgb.example(0)).containsExactly(0f, 128 / 255f, 1f, 0f, 128 / 255f, 1f, 0f, 128 / 255f, 1f);
  }

  @Test
  void colourToGreyUsesBt601Weights() {
    Fixtures.writeImage(root.resolve("a/1.png"), Fixtures.rgb(3, 1, RED, GREEN, BLUE));
    Fixtures.writeImage(root.resolve("b/1.png"), Fixtures.rgb(3, 1, WHITE, WHITE, WHITE));

    Dataset d = ImageFolder.load(root, 1, 1, 3);

    assertThat(d.example(0)).containsExactly(0.299f, 0.587f, 0.114f);
    assertThat(d.example(1)[0]).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void enlargingInterpolatesBetweenPixelCentres() {
    // 2x1 -> 4x1: output centres fall at input x = -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
    Fixtures.writeImage(root.resolve("a/1.png"), Fixtures.grey(2, 1, 0, 255));
    Fixtures.writeImage(root.resolve("b/1.png"), Fixtures.grey(1, 2, 0, 255));

    Dataset d = ImageFolder.load(root, 1, 2, 4);

    assertThat(d.example(0)).containsExactly(0, 0.25f, 0.75f, 1, 0, 0.25f, 0.75f, 1);
    assertThat(d.example(1)).containsExactly(0, 0, 0, 0, 1, 1, 1, 1); // rows: 0 then 255
  }

  @Test
  void halvingAveragesPairs() {
    // 4x2 -> 2x1: each output samples at the midpoint of two columns and two rows
    Fixtures.writeImage(root.resolve("a/1.png"), Fixtures.grey(4, 2, 0, 102, 204, 255, 0, 102, 204, 255));
    Fixtures.writeImage(root.resolve("b/1.png"), Fixtures.grey(4, 2, 0, 0, 0, 0, 255, 255, 255, 255));

    Dataset d = ImageFolder.load(root, 1, 1, 2);

    assertThat(d.example(0)[0]).isCloseTo(0.2f, within(1e-6f));
    assertThat(d.example(0)[1]).isCloseTo((204 + 255) / 510f, within(1e-6f));
    assertThat(d.example(1)).containsExactly(0.5f, 0.5f);
  }

  @Test
  void readsJpegsAndIgnoresRootFilesAndHiddenEntries() throws IOException {
    Fixtures.writeImage(root.resolve("a/photo.JPG"), Fixtures.rgb(8, 8, new int[64]));
    Fixtures.writeImage(root.resolve("b/photo.jpeg"), Fixtures.rgb(8, 8, filled(64, WHITE)));
    Files.writeString(root.resolve("README.txt"), "not a class");
    Files.writeString(root.resolve("a/.DS_Store"), "junk");
    Files.createDirectories(root.resolve(".git/objects"));

    Dataset d = ImageFolder.load(root, 3, 4, 4);

    assertThat(d.classNames()).containsExactly("a", "b");
    assertThat(d.size()).isEqualTo(2);
    for (float v : d.example(0)) assertThat(v).isCloseTo(0f, within(0.02f));
    for (float v : d.example(1)) assertThat(v).isCloseTo(1f, within(0.02f));
  }

  private static int[] filled(int n, int value) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, value);
    return a;
  }

  /** Builds a broken tree under the root and returns the path the message must name. */
  interface Tree {
    Path build(Path root) throws IOException;
  }

  static Stream<Arguments> brokenTrees() {
    return Stream.of(
        Arguments.of("empty root", (Tree) r -> r, new String[] {"has no class folders", "one subfolder of images per class"}),
        Arguments.of("only files in the root", (Tree) r -> {
          Fixtures.writeImage(r.resolve("1.png"), Fixtures.grey(1, 1, 0));
          return r;
        }, new String[] {"has no class folders"}),
        Arguments.of("one class", (Tree) r -> {
          Fixtures.writeImage(r.resolve("cat/1.png"), Fixtures.grey(1, 1, 0));
          return r;
        }, new String[] {"has only one class folder, cat", "at least two"}),
        Arguments.of("empty class folder", (Tree) r -> {
          Fixtures.writeImage(r.resolve("cat/1.png"), Fixtures.grey(1, 1, 0));
          Files.createDirectories(r.resolve("dog"));
          return r.resolve("dog");
        }, new String[] {"class folder", "is empty", "at least one .png, .jpg or .jpeg"}),
        Arguments.of("a text file among images", (Tree) r -> {
          Fixtures.writeImage(r.resolve("cat/1.png"), Fixtures.grey(1, 1, 0));
          Fixtures.writeImage(r.resolve("dog/1.png"), Fixtures.grey(1, 1, 0));
          return Files.writeString(r.resolve("dog/labels.txt"), "x");
        }, new String[] {"is not an image file", "only .png, .jpg or .jpeg"}),
        Arguments.of("a folder inside a class", (Tree) r -> {
          Fixtures.writeImage(r.resolve("cat/1.png"), Fixtures.grey(1, 1, 0));
          Fixtures.writeImage(r.resolve("dog/more.png/1.png"), Fixtures.grey(1, 1, 0));
          return r.resolve("dog/more.png");
        }, new String[] {"is not an image file"}),
        Arguments.of("garbage named .png", (Tree) r -> {
          Fixtures.writeImage(r.resolve("cat/1.png"), Fixtures.grey(1, 1, 0));
          Files.createDirectories(r.resolve("dog"));
          return Files.writeString(r.resolve("dog/1.png"), "this is not a PNG at all");
        }, new String[] {"is not an image javax.imageio can decode", "expected a PNG or JPEG file"}),
        Arguments.of("truncated PNG", (Tree) r -> {
          // noise, so that the compressed pixels are long and a cut lands inside them (ImageIO
          // does not notice a cut that only loses the end marker)
          int[] noise = new java.util.Random(1).ints(256).toArray();
          Path good = Fixtures.writeImage(r.resolve("cat/1.png"), Fixtures.rgb(16, 16, noise));
          Fixtures.writeImage(r.resolve("dog/1.png"), Fixtures.grey(1, 1, 0));
          byte[] bytes = Files.readAllBytes(good);
          return Files.write(r.resolve("cat/2.png"), IdxBytes.prefix(bytes, bytes.length / 2));
        }, new String[] {"could not be decoded as an image", "expected a valid PNG or JPEG file"}),
        Arguments.of("root is missing", (Tree) r -> r.resolve("nowhere"),
            new String[] {"not found or not a folder"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenTrees")
  void brokenTreesFailNamingTheFolderOrFile(String caseName, Tree tree, String[] expected) throws IOException {
    Path named = tree.build(root);
    Path loadFrom = caseName.equals("root is missing") ? named : root;

    assertThatThrownBy(() -> ImageFolder.load(loadFrom, 3, 8, 8))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(named.toString())
        .contains(expected);
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of(2, 8, 8, "cannot make images of 2 channels; expected 1 (grey) or 3 (RGB)"),
        Arguments.of(3, 0, 8, "cannot resize images to 0x8"),
        Arguments.of(1, 8, -1, "cannot resize images to 8x-1"));
  }

  @ParameterizedTest(name = "{0} channels, {1}x{2}")
  @MethodSource("badRequests")
  void impossibleSizesAreRefused(int channels, int height, int width, String expected) {
    assertThatThrownBy(() -> ImageFolder.load(root, channels, height, width))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(root.toString(), expected);
  }
}
