package dev.hubel.data;

import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIFAR-10 and CIFAR-100 (Krizhevsky, 2009) in their binary versions: 32x32 colour images,
 * 50000 for training and 10000 for testing, pixels scaled to [0, 1].
 *
 * <p>Each record is the label byte(s) and then 3072 pixel bytes: the red plane, the green plane,
 * the blue plane, each 32 rows of 32. That is already CHW, so a record's pixels are copied in
 * order. CIFAR-10 has one label byte; CIFAR-100 has a coarse label (20 superclasses) and then a
 * fine label (100 classes).
 *
 * <p>A source is the folder the official tarball unpacks to ({@code cifar-10-batches-bin/},
 * {@code cifar-100-binary/}), a folder holding that folder or the tarball, or the tarball itself
 * ({@code cifar-10-binary.tar.gz}, {@code cifar-100-binary.tar.gz}), which is read without
 * unpacking it to disk.
 */
public final class Cifar {

  public static final int SIDE = 32;
  public static final int PIXELS = 3 * SIDE * SIDE;

  /** Which CIFAR-100 labels to use; CIFAR-10 has one kind. */
  public enum Labels { FINE, COARSE }

  /** The layout of one of the two binary versions. */
  enum Kind {
    CIFAR10("CIFAR-10", "cifar-10-batches-bin", "cifar-10-binary.tar.gz",
        List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
        "test_batch.bin", 1),
    CIFAR100("CIFAR-100", "cifar-100-binary", "cifar-100-binary.tar.gz",
        List.of("train.bin"), "test.bin", 2);

    final String title, folder, archive, testFile;
    final List<String> trainFiles;
    final int labelBytes;

    Kind(String title, String folder, String archive, List<String> trainFiles, String testFile, int labelBytes) {
      this.title = title;
      this.folder = folder;
      this.archive = archive;
      this.trainFiles = trainFiles;
      this.testFile = testFile;
      this.labelBytes = labelBytes;
    }

    int recordBytes() {
      return labelBytes + PIXELS;
    }

    String namesFile(Labels labels) {
      if (this == CIFAR10) return "batches.meta.txt";
      return labels == Labels.COARSE ? "coarse_label_names.txt" : "fine_label_names.txt";
    }

    /** Where in a record the label is: CIFAR-100 puts the coarse label first. */
    int labelOffset(Labels labels) {
      return this == CIFAR100 && labels == Labels.FINE ? 1 : 0;
    }

    String expected() {
      return this == CIFAR10
          ? "CIFAR-10 binary files data_batch_1.bin .. data_batch_5.bin, test_batch.bin and batches.meta.txt"
              + " (the folder " + folder + "/ of " + archive + ")"
          : "CIFAR-100 binary files train.bin, test.bin, fine_label_names.txt and coarse_label_names.txt"
              + " (the folder " + folder + "/ of " + archive + ")";
    }
  }

  private Cifar() {}

  /** Both splits of CIFAR-10, or of CIFAR-100 with fine labels; which one is told by the files. */
  public static Splits load(Path source) {
    return load(source, Labels.FINE);
  }

  public static Splits load(Path source, Labels labels) {
    Source src = Source.open(source, true);
    String[] names = classNames(src, labels);
    Dataset train = decode(src, src.kind.trainFiles, labels, names, "train");
    Dataset test = decode(src, List.of(src.kind.testFile), labels, names, "test");
    return new Splits(train, test);
  }

  /** The 10000 test images only, without reading the 614 MB training split. */
  public static Dataset test(Path source) {
    return test(source, Labels.FINE);
  }

  public static Dataset test(Path source, Labels labels) {
    Source src = Source.open(source, false);
    return decode(src, List.of(src.kind.testFile), labels, classNames(src, labels), "test");
  }

  /** Which binary version {@code source} holds, or null if it is neither (for format detection). */
  static Kind detect(Path source) {
    if (Files.isRegularFile(source)) {
      String n = source.getFileName().toString();
      if (n.equals(Kind.CIFAR10.archive)) return Kind.CIFAR10;
      if (n.equals(Kind.CIFAR100.archive)) return Kind.CIFAR100;
      return null;
    }
    Path dir = Source.folderOf(source);
    if (dir == null) return null;
    if (Files.isRegularFile(dir)) return detect(dir);
    return Source.kindOfFolder(dir);
  }

  private static String[] classNames(Source src, Labels labels) {
    String file = src.kind.namesFile(labels);
    String text = new String(src.bytes(file), StandardCharsets.UTF_8);
    List<String> names = new ArrayList<>();
    for (String line : text.split("\r?\n")) if (!line.isBlank()) names.add(line.strip());
    if (names.isEmpty()) {
      throw new DataException(src.where(file) + " holds no class names; expected one class name a line");
    }
    return names.toArray(new String[0]);
  }

  /**
   * Checks every file's size before allocating, then fills one float array and one label array:
   * CIFAR-10's training split is 614 MB of floats, too much to build in pieces and join.
   */
  private static Dataset decode(Source src, List<String> files, Labels labels, String[] classNames, String split) {
    Kind kind = src.kind;
    int record = kind.recordBytes();
    long total = 0;
    for (String file : files) {
      long size = src.size(file);
      if (size == 0) {
        throw new DataException(src.where(file) + " is empty; expected " + record + "-byte " + kind.title + " records");
      }
      if (size % record != 0) {
        throw new DataException(
            src.where(file) + " is " + size + " bytes, not a whole number of " + record + "-byte "
                + kind.title + " records (" + size / record + " records and " + size % record
                + " bytes over): the file is truncated or not " + kind.title + " binary; expected a multiple of "
                + record + " bytes");
      }
      total += size / record;
    }
    if (total * PIXELS > Integer.MAX_VALUE - 8) {
      throw new DataException(src.where(files.get(0)) + " and the rest hold " + total + " records, too many for one Java array");
    }
    float[] table = new float[256];
    for (int v = 0; v < 256; v++) table[v] = v / 255f;
    float[] images = new float[(int) total * PIXELS];
    int[] y = new int[(int) total];
    int labelOffset = kind.labelOffset(labels);
    String labelWord = kind == Kind.CIFAR10 ? "label" : labels == Labels.FINE ? "fine label" : "coarse label";
    int n = 0;
    for (String file : files) {
      byte[] bytes = src.bytes(file);
      for (int at = 0, i = 0; at < bytes.length; at += record, i++, n++) {
        int label = bytes[at + labelOffset] & 0xFF;
        if (label >= classNames.length) {
          throw new DataException(
              src.where(file) + ": record " + i + " has " + labelWord + " " + label + ", outside 0.."
                  + (classNames.length - 1) + "; expected a class index below " + classNames.length
                  + " (the classes listed in " + kind.namesFile(labels) + ")");
        }
        y[n] = label;
        int from = at + kind.labelBytes, to = n * PIXELS;
        for (int p = 0; p < PIXELS; p++) images[to + p] = table[bytes[from + p] & 0xFF];
      }
    }
    String name = kind.title + " " + split + (kind == Kind.CIFAR100 && labels == Labels.COARSE ? " (coarse labels)" : "");
    return new Dataset(name, Shape.chw(3, SIDE, SIDE), images, y, classNames);
  }

  /** The files of one binary version, in a folder or in a tarball read into memory. */
  private static final class Source {
    final Kind kind;
    final Path folder;              // null for a tarball
    final Path archive;             // null for a folder
    final Map<String, byte[]> entries;

    private Source(Kind kind, Path folder, Path archive, Map<String, byte[]> entries) {
      this.kind = kind;
      this.folder = folder;
      this.archive = archive;
      this.entries = entries;
    }

    static Source open(Path source, boolean withTrain) {
      if (!Files.exists(source)) {
        throw new DataException(
            source + " not found; expected " + Kind.CIFAR10.expected() + ", or " + Kind.CIFAR100.expected()
                + ", or either tarball");
      }
      Path at = folderOf(source);
      if (at == null) {
        throw new DataException(
            source + " holds no CIFAR binary data; expected " + Kind.CIFAR10.expected() + ", or "
                + Kind.CIFAR100.expected() + ", or either tarball");
      }
      if (Files.isDirectory(at)) return new Source(kindOfFolder(at), at, null, null);
      Set<String> wanted = new HashSet<>();
      for (Kind k : Kind.values()) {
        if (withTrain) wanted.addAll(k.trainFiles);
        wanted.add(k.testFile);
        for (Labels l : Labels.values()) wanted.add(k.namesFile(l));
      }
      Map<String, byte[]> entries = Tar.read(at, wanted);
      Kind kind = entries.containsKey(Kind.CIFAR10.testFile) || entries.containsKey(Kind.CIFAR10.trainFiles.get(0))
          ? Kind.CIFAR10
          : entries.containsKey(Kind.CIFAR100.testFile) || entries.containsKey(Kind.CIFAR100.trainFiles.get(0))
              ? Kind.CIFAR100
              : null;
      if (kind == null) {
        throw new DataException(
            at + " holds no CIFAR binary files; expected the tarball " + Kind.CIFAR10.archive + " or "
                + Kind.CIFAR100.archive + " with " + Kind.CIFAR10.expected() + ", or " + Kind.CIFAR100.expected());
      }
      return new Source(kind, null, at, entries);
    }

    /** The folder holding the .bin files or the tarball, looking one level down; null if none. */
    static Path folderOf(Path source) {
      if (Files.isRegularFile(source)) return source;
      if (!Files.isDirectory(source)) return null;
      if (kindOfFolder(source) != null) return source;
      for (Kind k : Kind.values()) {
        Path inner = source.resolve(k.folder);
        if (Files.isDirectory(inner) && kindOfFolder(inner) != null) return inner;
      }
      for (Kind k : Kind.values()) {
        Path tarball = source.resolve(k.archive);
        if (Files.isRegularFile(tarball)) return tarball;
      }
      return null;
    }

    static Kind kindOfFolder(Path dir) {
      for (Kind k : Kind.values()) {
        if (Files.isRegularFile(dir.resolve(k.testFile)) || Files.isRegularFile(dir.resolve(k.trainFiles.get(0)))) {
          return k;
        }
      }
      return null;
    }

    String where(String file) {
      return folder != null ? folder.resolve(file).toString() : archive + " (entry " + file + ")";
    }

    private DataException missing(String file) {
      return new DataException(where(file) + " not found; expected " + kind.expected());
    }

    long size(String file) {
      if (folder == null) {
        byte[] b = entries.get(file);
        if (b == null) throw missing(file);
        return b.length;
      }
      try {
        return Files.size(folder.resolve(file));
      } catch (NoSuchFileException e) {
        throw missing(file);
      } catch (IOException e) {
        throw new DataException(where(file) + " could not be read (" + e + "); expected a readable file", e);
      }
    }

    byte[] bytes(String file) {
      if (folder == null) {
        byte[] b = entries.get(file);
        if (b == null) throw missing(file);
        return b;
      }
      try {
        return Files.readAllBytes(folder.resolve(file));
      } catch (NoSuchFileException e) {
        throw missing(file);
      } catch (IOException e) {
        throw new DataException(where(file) + " could not be read (" + e + "); expected a readable file", e);
      }
    }
  }
}
