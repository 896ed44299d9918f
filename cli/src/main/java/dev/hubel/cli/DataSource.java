package dev.hubel.cli;

import dev.hubel.data.DatasetCatalog;
import dev.hubel.data.Downloader;
import dev.hubel.data.Splits;
import dev.hubel.io.TensorDataset;
import dev.hubel.tensor.Shape;
import java.nio.file.Path;

/**
 * What {@code --data NAME|PATH} means for every command: a dataset name or path read by the
 * catalog, or a .safetensors file of examples and labels. Image folders are resized and text cut
 * to what the model takes; other formats come as they are.
 */
final class DataSource {
  private DataSource() {}

  static Splits open(String nameOrPath, Shape modelInput, boolean download) {
    if (nameOrPath.endsWith(".safetensors")) return Splits.single(TensorDataset.read(Path.of(nameOrPath)));
    DatasetCatalog catalog = DatasetCatalog.standard();
    if (download) catalog = catalog.withDownloads(new Downloader(msg -> System.err.println("hubel: " + msg)));
    DatasetCatalog.Options o = modelInput.isVolume()
        ? new DatasetCatalog.Options(modelInput.c(), modelInput.h(), modelInput.w(), DatasetCatalog.Options.DEFAULTS.length())
        : new DatasetCatalog.Options(3, 32, 32, modelInput.dim(modelInput.rank() - 1));
    return catalog.open(nameOrPath, o);
  }
}
