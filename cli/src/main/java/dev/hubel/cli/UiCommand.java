package dev.hubel.cli;

import dev.hubel.data.DataException;
import dev.hubel.data.Dataset;
import dev.hubel.data.DatasetCatalog;
import dev.hubel.data.Splits;
import dev.hubel.io.ModelFileException;
import dev.hubel.ui.Dashboard;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ui", mixinStandardHelpOptions = true,
    description = {"Open a finished run's dashboard page from its folder.",
        "Curves from metrics.csv; with runs/<name>/model.safetensors,",
        "also the layer table, filters, activations and 'try the model'. Serves on 127.0.0.1 until Ctrl-C."})
final class UiCommand implements Runnable {

  @Parameters(paramLabel = "RUN", description = "The run's folder, e.g. runs/lenet-5-20250301-142501.")
  Path run;

  @Option(names = "--port", description = "Port on 127.0.0.1 (default: any free one; the address is printed).")
  int port = 0;

  @Option(names = "--data", paramLabel = "NAME|PATH",
      description = "A dataset (fashion-mnist, mnist, cifar10, ... or a path) whose test split the page shows predictions and the confusion matrix for.")
  String data;

  @Override
  public void run() {
    Dashboard board;
    try {
      board = Dashboard.forRunFolder(run, port);
    } catch (ModelFileException e) {
      throw new UserException(e.getMessage());
    }
    try (board) {
      if (data != null) board.testSet(testSplit(data));
      System.out.println("hubel ui: " + run + " at " + board.url() + " (Ctrl-C to stop)");
      board.openInBrowser();
      new CountDownLatch(1).await();  // serves until the JVM is stopped (or this thread interrupted)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Dataset testSplit(String nameOrPath) {
    try {
      Splits s = DatasetCatalog.standard().open(nameOrPath);
      return s.test().orElse(s.train());
    } catch (DataException e) {
      throw new UserException("--data " + nameOrPath + ": " + e.getMessage());
    }
  }
}
