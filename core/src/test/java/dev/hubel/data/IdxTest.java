package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {

  @TempDir Path dir;

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  @ParameterizedTest(name = "gzipped={0}")
  @ValueSource(booleans = {false, true})
  void readsImagesBackWithDimsAndUnsignedValues(boolean gzipped) throws IOException {
    // two 2x3 images; 200 and 255 check that bytes are read unsigned
    byte[] raw = IdxBytes.images(2, 2, 3, 0, 1, 2, 3, 4, 5, 255, 200, 51, 102, 0, 7);
    // the name lies on purpose: gzip must be recognised by content, not by ".gz"
    Path file = write("images.idx", gzipped ? IdxBytes.gzip(raw) : raw);

    Idx.Images images = Idx.readImages(file);

    assertThat(images.count()).isEqualTo(2);
    assertThat(images.rows()).isEqualTo(2);
    assertThat(images.cols()).isEqualTo(3);
    assertThat(images.file()).isEqualTo(file);
    assertThat(images.pixels())
        .containsExactly(0, 1, 2, 3, 4, 5, (byte) 255, (byte) 200, 51, 102, 0, 7);
    assertThat(images.unitPixels())
        .containsExactly(0f, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f, 5 / 255f,
            1f, 200 / 255f, 0.2f, 0.4f, 0f, 7 / 255f);
  }

  @ParameterizedTest(name = "gzipped={0}")
  @ValueSource(booleans = {false, true})
  void readsLabelsBack(boolean gzipped) throws IOException {
    byte[] raw = IdxBytes.labels(3, 0, 9, 255);
    Path file = write("labels.gz", gzipped ? IdxBytes.gzip(raw) : raw);

    assertThat(Idx.readLabels(file)).containsExactly(3, 0, 9, 255);
  }

  @Test
  void readsAnImageFileWithNoImages() throws IOException {
    Path file = write("empty", IdxBytes.images(0, 28, 28));

    Idx.Images images = Idx.readImages(file);

    assertThat(images.count()).isZero();
    assertThat(images.pixels()).isEmpty();
  }

  static Stream<Arguments> malformed() {
    Function<Path, Object> images = Idx::readImages;
    Function<Path, Object> labels = Idx::readLabels;
    Function<Path, Object> tenClasses = f -> Idx.readLabels(f, 10);
    byte[] threeImages = IdxBytes.images(3, 2, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    return Stream.of(
        Arguments.of("missing file", null, images, new String[] {"not found"}),
        Arguments.of("empty file", new byte[0], images,
            new String[] {"ends after 0 bytes", "expected magic 0x00000803"}),
        Arguments.of("labels read as images", IdxBytes.labels(1, 2), images,
            new String[] {"expected magic 0x00000803 (unsigned-byte images, 3 dimensions)",
                "found 0x00000801 (unsigned-byte, 1 dimension)"}),
        Arguments.of("images read as labels", threeImages, labels,
            new String[] {"expected magic 0x00000801", "found 0x00000803"}),
        Arguments.of("not an IDX file", "hello world!".getBytes(), images,
            new String[] {"found 0x68656C6C", "not an IDX file"}),
        Arguments.of("header cut short", IdxBytes.prefix(threeImages, 10), images,
            new String[] {"ends after 10 bytes, inside the 16-byte header"}),
        Arguments.of("pixels cut short", IdxBytes.prefix(threeImages, 21), images,
            new String[] {"declares 3 images of 2x2 = 12 bytes", "ends after 21 bytes",
                "expected 28 bytes"}),
        Arguments.of("pixels cut short, gzipped", IdxBytes.gzip(IdxBytes.prefix(threeImages, 21)),
            images, new String[] {"declares 3 images of 2x2 = 12 bytes",
                "the decompressed file ends after 21 bytes"}),
        Arguments.of("labels cut short", IdxBytes.prefix(IdxBytes.labels(1, 2, 3), 10), labels,
            new String[] {"declares 3 labels = 3 bytes", "ends after 10 bytes", "expected 11 bytes"}),
        Arguments.of("trailing garbage", IdxBytes.concat(threeImages, new byte[] {9, 9}), images,
            new String[] {"2 bytes of trailing garbage", "to end after 28 bytes"}),
        Arguments.of("dimension beyond int range",
            IdxBytes.withHeader(Idx.IMAGES_MAGIC, new int[] {-1, 2, 2}, new int[0]), images,
            new String[] {"image count", "4294967295"}),
        Arguments.of("too many pixels for one array",
            IdxBytes.withHeader(Idx.IMAGES_MAGIC, new int[] {100000, 1000, 1000}, new int[0]),
            images, new String[] {"declares 100000 images of 1000x1000", "too many"}),
        Arguments.of("zero columns",
            IdxBytes.withHeader(Idx.IMAGES_MAGIC, new int[] {1, 2, 0}, new int[0]), images,
            new String[] {"2x0", "at least one row and one column"}),
        Arguments.of("corrupt gzip", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6, 7, 8}, images,
            new String[] {"not a valid gzip stream"}),
        Arguments.of("gzip cut short",
            IdxBytes.prefix(IdxBytes.gzip(threeImages), IdxBytes.gzip(threeImages).length - 6),
            images, new String[] {"not a valid gzip stream"}),
        Arguments.of("label out of range", IdxBytes.labels(3, 10, 1), tenClasses,
            new String[] {"label 10 at index 1 is outside 0..9"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedFilesFailWithAMessageNamingFileAndProblem(
      String caseName, byte[] content, Function<Path, Object> reader, String[] expected)
      throws IOException {
    Path file = dir.resolve("case.idx");
    if (content != null) write("case.idx", content);

    assertThatThrownBy(() -> reader.apply(file))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(file.toString())
        .contains(expected);
  }
}
