package dev.hubel.data;

import dev.hubel.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 28x28 grey images of clothing in 10 classes,
 * 60000 for training and 10000 for testing, read from the four IDX files Debian's
 * {@code dataset-fashion-mnist} package installs. Pixels are scaled to [0, 1].
 */
public final class FashionMnist {

  /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  public static final String INSTALL = "apt-get install dataset-fashion-mnist";

  private static final String[] CLASS_NAMES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  private FashionMnist() {}

  public static String[] classNames() {
    return CLASS_NAMES.clone();
  }

  /** The 60000 training examples. */
  public static Dataset train(Path dir) {
    return load(dir, "train", "Fashion-MNIST train");
  }

  /** The 10000 test examples. */
  public static Dataset test(Path dir) {
    return load(dir, "t10k", "Fashion-MNIST test");
  }

  private static Dataset load(Path dir, String prefix, String name) {
    Path imagesFile = find(dir, prefix + "-images-idx3-ubyte");
    Path labelsFile = find(dir, prefix + "-labels-idx1-ubyte");
    Idx.Images images = Idx.readImages(imagesFile);
    int[] labels = Idx.readLabels(labelsFile, CLASS_NAMES.length);
    if (labels.length != images.count()) {
      throw new DataException(
          labelsFile + " holds " + labels.length + " labels but " + imagesFile + " holds "
              + images.count() + " images; expected exactly one label per image");
    }
    Shape shape = Shape.chw(1, images.rows(), images.cols());
    return new Dataset(name, shape, images.unitPixels(), labels, CLASS_NAMES);
  }

  /** The gzipped file as Debian ships it, or the same name without .gz if someone unpacked it. */
  private static Path find(Path dir, String baseName) {
    Path gzipped = dir.resolve(baseName + ".gz");
    Path raw = dir.resolve(baseName);
    if (Files.isRegularFile(gzipped)) return gzipped;
    if (Files.isRegularFile(raw)) return raw;
    if (!Files.isDirectory(dir)) {
      throw new DataException(
          "Fashion-MNIST directory " + dir + " not found; expected the Fashion-MNIST IDX files from"
              + " Debian's dataset-fashion-mnist: " + INSTALL);
    }
    throw new DataException(
        gzipped + " not found (nor " + raw.getFileName() + "); expected the Fashion-MNIST IDX files"
            + " from Debian's dataset-fashion-mnist: " + INSTALL);
  }
}
