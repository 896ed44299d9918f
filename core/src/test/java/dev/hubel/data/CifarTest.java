package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CifarTest {

  @TempDir Path dir;

  /** The three ways a CIFAR-10 source may be given, from the same files. */
  private Path cifar10Source(String layout) throws IOException {
    Map<String, byte[]> files = Fixtures.cifar10Files();
    return switch (layout) {
      case "folder" -> Fixtures.writeAll(dir.resolve("cifar-10-batches-bin"), files);
      case "parent of folder" -> {
        Fixtures.writeAll(dir.resolve("cifar-10-batches-bin"), files);
        yield dir;
      }
      case "tarball" -> Files.write(dir.resolve("cifar-10-binary.tar.gz"), Fixtures.tarGz("cifar-10-batches-bin", files));
      case "folder holding the tarball" -> {
        Files.write(dir.resolve("cifar-10-binary.tar.gz"), Fixtures.tarGz("cifar-10-batches-bin", files));
        yield dir;
      }
      default -> throw new IllegalArgumentException(layout);
    };
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"folder", "parent of folder", "tarball", "folder holding the tarball"})
  void readsCifar10FromEveryLayout(String layout) throws IOException {
    Splits s = Cifar.load(cifar10Source(layout));

    Dataset train = s.train();
    assertThat(train.name()).isEqualTo("CIFAR-10 train");
    assertThat(train.shape()).isEqualTo(Shape.chw(3, 32, 32));
    assertThat(train.classNames()).containsExactly(Fixtures.CIFAR10_NAMES);
    assertThat(train.labels()).containsExactly(0, 1, 2, 3, 4); // the batches in order 1..5
    float[] third = train.example(2); // data_batch_3: seeds 30, 31, 32
    assertThat(third[0]).isEqualTo(30 / 255f);
    assertThat(third[1]).isEqualTo(1f); // (row 0, col 1) of the red plane
    assertThat(third[1023]).isEqualTo(30 / 255f);
    assertThat(third[1024]).isEqualTo(31 / 255f); // the green plane follows the red
    assertThat(third[2048 + 1]).isEqualTo(1f);
    assertThat(third[3071]).isEqualTo(32 / 255f);

    Dataset test = s.requireTest();
    assertThat(test.name()).isEqualTo("CIFAR-10 test");
    assertThat(test.labels()).containsExactly(9, 0);
    assertThat(test.example(1)[0]).isEqualTo(110 / 255f);
  }

  @ParameterizedTest(name = "tarball={0}")
  @ValueSource(booleans = {false, true})
  void readsTheTestSplitAlone(boolean tarball) throws IOException {
    Path source = cifar10Source(tarball ? "tarball" : "folder");
    Dataset test = Cifar.test(source);
    assertThat(test.size()).isEqualTo(2);
    assertThat(test.labels()).containsExactly(9, 0);
  }

  @ParameterizedTest(name = "tarball={0}")
  @ValueSource(booleans = {false, true})
  void readsCifar100FineAndCoarseLabels(boolean tarball) throws IOException {
    Path source = tarball
        ? Files.write(dir.resolve("cifar-100-binary.tar.gz"), Fixtures.tarGz("cifar-100-binary", Fixtures.cifar100Files()))
        : Fixtures.writeAll(dir.resolve("cifar-100-binary"), Fixtures.cifar100Files());

    Splits fine = Cifar.load(source);
    Splits coarse = Cifar.load(source, Cifar.Labels.COARSE);

    assertThat(fine.train().name()).isEqualTo("CIFAR-100 train");
    assertThat(fine.train().classNames()).containsExactly("apple", "aquarium_fish", "baby");
    assertThat(fine.train().labels()).containsExactly(2, 0);
    assertThat(fine.requireTest().labels()).containsExactly(1);
    assertThat(fine.train().example(0)[0]).isEqualTo(20 / 255f); // after two label bytes
    assertThat(fine.train().example(0)[1]).isEqualTo(1f);
    assertThat(coarse.train().name()).isEqualTo("CIFAR-100 train (coarse labels)");
    assertThat(coarse.train().classNames()).containsExactly("fruit", "people");
    assertThat(coarse.train().labels()).containsExactly(1, 0);
    assertThat(Cifar.test(source, Cifar.Labels.COARSE).labels()).containsExactly(1);
  }

  static Stream<Arguments> broken() {
    Consumer<Map<String, byte[]>> none = f -> {};
    return Stream.of(
        Arguments.of("truncated batch", "data_batch_3.bin",
            (Consumer<Map<String, byte[]>>) f -> f.put("data_batch_3.bin", IdxBytes.prefix(f.get("data_batch_3.bin"), 3000)),
            new String[] {"is 3000 bytes, not a whole number of 3073-byte CIFAR-10 records",
                "0 records and 3000 bytes over", "truncated"}),
        Arguments.of("a record and a bit", "test_batch.bin",
            (Consumer<Map<String, byte[]>>) f -> f.put("test_batch.bin", Fixtures.concat(f.get("test_batch.bin"), new byte[5])),
            new String[] {"is 6151 bytes", "2 records and 5 bytes over", "expected a multiple of 3073"}),
        Arguments.of("empty batch", "data_batch_1.bin",
            (Consumer<Map<String, byte[]>>) f -> f.put("data_batch_1.bin", new byte[0]),
            new String[] {"is empty", "3073-byte CIFAR-10 records"}),
        Arguments.of("label out of range", "data_batch_2.bin",
            (Consumer<Map<String, byte[]>>) f -> f.put("data_batch_2.bin", Fixtures.concat(Fixtures.cifarRecord(0, 3), Fixtures.cifarRecord(0, 10))),
            new String[] {"record 1 has label 10, outside 0..9", "batches.meta.txt"}),
        Arguments.of("missing batch", "data_batch_4.bin",
            (Consumer<Map<String, byte[]>>) f -> f.remove("data_batch_4.bin"),
            new String[] {"not found", "data_batch_1.bin .. data_batch_5.bin", "cifar-10-binary.tar.gz"}),
        Arguments.of("missing class names", "batches.meta.txt",
            (Consumer<Map<String, byte[]>>) f -> f.remove("batches.meta.txt"),
            new String[] {"not found", "batches.meta.txt"}),
        Arguments.of("empty class names", "batches.meta.txt",
            (Consumer<Map<String, byte[]>>) f -> f.put("batches.meta.txt", "\n\n".getBytes()),
            new String[] {"holds no class names"}),
        Arguments.of("intact", "-", none, null));
  }

  @ParameterizedTest(name = "{0}, folder")
  @MethodSource("broken")
  void brokenFolderFailsNamingTheFile(String caseName, String file, Consumer<Map<String, byte[]>> damage, String[] expected)
      throws IOException {
    Map<String, byte[]> files = Fixtures.cifar10Files();
    damage.accept(files);
    Path folder = Fixtures.writeAll(dir.resolve("cifar-10-batches-bin"), files);
    if (expected == null) {
      assertThat(Cifar.load(folder).train().size()).isEqualTo(5);
      return;
    }
    assertThatThrownBy(() -> Cifar.load(folder))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(folder.resolve(file).toString())
        .contains(expected);
  }

  @ParameterizedTest(name = "{0}, tarball")
  @MethodSource("broken")
  void brokenTarballFailsNamingArchiveAndEntry(String caseName, String file, Consumer<Map<String, byte[]>> damage, String[] expected)
      throws IOException {
    Map<String, byte[]> files = Fixtures.cifar10Files();
    damage.accept(files);
    Path archive = Files.write(dir.resolve("cifar-10-binary.tar.gz"), Fixtures.tarGz("cifar-10-batches-bin", files));
    if (expected == null) {
      assertThat(Cifar.load(archive).train().size()).isEqualTo(5);
      return;
    }
    assertThatThrownBy(() -> Cifar.load(archive))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(archive + " (entry " + file + ")")
        .contains(expected);
  }

  @Test
  void cifar100FineLabelBeyondItsClassesNamesTheFile() throws IOException {
    Map<String, byte[]> files = Fixtures.cifar100Files();
    files.put("test.bin", Fixtures.cifarRecord(0, 1, 3)); // 3 fine classes: 3 is one too many
    Path folder = Fixtures.writeAll(dir.resolve("cifar-100-binary"), files);

    assertThatThrownBy(() -> Cifar.load(folder))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(folder.resolve("test.bin").toString(), "record 0 has fine label 3, outside 0..2",
            "fine_label_names.txt");
  }

  static Stream<Arguments> brokenArchives() {
    byte[] good = Fixtures.tarGz("cifar-10-batches-bin", Fixtures.cifar10Files());
    byte[] tar = IdxBytes.gzip(Fixtures.tarHeader("x/data_batch_1.bin", 10, '0'));
    byte[] badChecksum = Fixtures.tarHeader("x/test_batch.bin", 0, '0');
    badChecksum[0] = 'y';
    return Stream.of(
        Arguments.of("download cut short", IdxBytes.prefix(good, good.length / 2),
            new String[] {"ends in the middle of an entry", "cut short"}),
        Arguments.of("not gzip", "hello, I am not a tarball".getBytes(),
            new String[] {"is not a valid gzip stream"}),
        Arguments.of("entry shorter than its header says", tar,
            new String[] {"ends in the middle of an entry"}),
        Arguments.of("corrupt tar header", IdxBytes.gzip(Fixtures.concat(badChecksum, new byte[1024])),
            new String[] {"the tar header at byte 0 has checksum", "expected a valid tar archive"}),
        Arguments.of("an archive of something else",
            Fixtures.tarGz("photos", Map.of("cat.jpg", new byte[10])),
            new String[] {"holds no CIFAR binary files"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenArchives")
  void brokenArchiveFailsNamingIt(String caseName, byte[] content, String[] expected) throws IOException {
    Path archive = Files.write(dir.resolve("cifar-10-binary.tar.gz"), content);

    assertThatThrownBy(() -> Cifar.load(archive))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(archive.toString())
        .contains(expected);
  }

  @Test
  void folderWithoutCifarFilesSaysWhatItExpected() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "hello");

    assertThatThrownBy(() -> Cifar.load(dir))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(dir + " holds no CIFAR binary data", "data_batch_1.bin", "train.bin");
  }

  @Test
  void missingSourceSaysWhatItExpected() {
    Path nowhere = dir.resolve("nowhere");
    assertThatThrownBy(() -> Cifar.load(nowhere))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(nowhere + " not found", "cifar-10-batches-bin", "cifar-100-binary");
  }
}
