package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FashionMnistTest {

  @TempDir Path dir;

  /** Writes a 2-example test split of 1x2 images, gzipped under the .gz names or raw without. */
  private void writeSmallTestSplit(boolean gzipped, int... labels) throws IOException {
    byte[] images = IdxBytes.images(2, 1, 2, 0, 255, 51, 102);
    byte[] labelBytes = IdxBytes.labels(labels);
    String suffix = gzipped ? ".gz" : "";
    Files.write(dir.resolve("t10k-images-idx3-ubyte" + suffix), gzipped ? IdxBytes.gzip(images) : images);
    Files.write(dir.resolve("t10k-labels-idx1-ubyte" + suffix), gzipped ? IdxBytes.gzip(labelBytes) : labelBytes);
  }

  @ParameterizedTest(name = "gzipped={0}")
  @ValueSource(booleans = {true, false})
  void loadsASplitScaledToUnitRange(boolean gzipped) throws IOException {
    writeSmallTestSplit(gzipped, 9, 0);

    Dataset test = FashionMnist.test(dir);

    assertThat(test.name()).isEqualTo("Fashion-MNIST test");
    assertThat(test.shape()).isEqualTo(Shape.chw(1, 1, 2));
    assertThat(test.images()).containsExactly(0f, 1f, 0.2f, 0.4f);
    assertThat(test.labels()).containsExactly(9, 0);
    assertThat(test.classNames()).containsExactly(
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  }

  @Test
  void missingDirectorySaysHowToInstall() {
    Path nowhere = dir.resolve("nowhere");
    assertThatThrownBy(() -> FashionMnist.train(nowhere))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(nowhere.toString(), "not found", "apt-get install dataset-fashion-mnist");
  }

  @Test
  void missingFileNamesItAndSaysHowToInstall() throws IOException {
    writeSmallTestSplit(true, 1, 2);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));

    assertThatThrownBy(() -> FashionMnist.test(dir))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(dir.resolve("t10k-labels-idx1-ubyte.gz") + " not found",
            "apt-get install dataset-fashion-mnist");
  }

  @Test
  void labelCountDifferingFromImageCountNamesBothFiles() throws IOException {
    writeSmallTestSplit(true, 1, 2, 3);

    assertThatThrownBy(() -> FashionMnist.test(dir))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains("t10k-labels-idx1-ubyte.gz holds 3 labels",
            "t10k-images-idx3-ubyte.gz holds 2 images");
  }

  @Test
  void labelBeyondTheTenClassesNamesTheFile() throws IOException {
    writeSmallTestSplit(true, 1, 10);

    assertThatThrownBy(() -> FashionMnist.test(dir))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains("t10k-labels-idx1-ubyte.gz", "label 10 at index 1 is outside 0..9");
  }

  @Test
  void realTestSplitHasATousandOfEachClass() {
    assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");

    Dataset test = FashionMnist.test(FashionMnist.DEFAULT_DIR);

    assertThat(test.size()).isEqualTo(10000);
    assertThat(test.shape()).isEqualTo(Shape.chw(1, 28, 28));
    assertThat(test.shape().toString()).isEqualTo("28x28x1");
    assertThat(test.classes()).isEqualTo(10);
    int[] perClass = new int[10];
    for (int label : test.labels()) perClass[label]++;
    assertThat(perClass).containsOnly(1000);
    float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
    for (float v : test.images()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    // real photographs use the full range: black background, some pure white pixels
    assertThat(min).isEqualTo(0f);
    assertThat(max).isEqualTo(1f);
  }
}
