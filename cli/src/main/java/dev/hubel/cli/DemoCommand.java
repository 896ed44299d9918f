package dev.hubel.cli;

import dev.hubel.data.FashionMnist;
import dev.hubel.train.TrainConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job: LeNet-5 learns Fashion-MNIST in a few minutes on two cores, with the progress bar,
 * into its own run folder. It is 'hubel train lenet5 --data fashion-mnist' with settings chosen
 * to pass 90% test accuracy (see BENCHMARKS.md for the figures of several seeds).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train LeNet-5 on Fashion-MNIST (Debian's dataset-fashion-mnist) and report its test accuracy.",
        "The run is written to runs/<name>/ as 'hubel train' does: metrics.csv, chart.png, model.safetensors."})
final class DemoCommand implements Runnable {

  /** The demo's recipe: a few minutes on 2 cores. */
  static final int EPOCHS = 10, BATCH = 64;
  static final float LR = 0.02f, LR_DECAY = 0.75f;

  @Option(names = "--data", paramLabel = "DIR", description = "Folder with the Fashion-MNIST IDX files (default: Debian's ${DEFAULT-VALUE}).")
  Path data = FashionMnist.DEFAULT_DIR;

  @Option(names = "--epochs", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
  int epochs = EPOCHS;

  @Option(names = "--seed", description = "Seed for the weights, split, order and augmentation (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--runs", paramLabel = "DIR", description = "Where the run folder goes (default: ${DEFAULT-VALUE}).")
  Path runs = Path.of("runs");

  @Option(names = "--no-ui", description = "Do not serve the live dashboard (by default it is served on 127.0.0.1 and opened in a browser if there is one).")
  boolean noUi;

  @Option(names = "--port", description = "The dashboard's port (default: any free port; the address is printed).")
  int port;

  @Mixin
  ThreadsOption threads;

  @Override
  public void run() {
    threads.apply();
    TrainConfig cfg = new TrainConfig(epochs, BATCH, LR, 0.9f, 5e-4f, LR_DECAY, seed, 0.1, dev.hubel.data.Augmentation.NONE, true);
    if (!java.nio.file.Files.isDirectory(data)) {
      throw new dev.hubel.data.DataException("Fashion-MNIST directory " + data + " not found; expected the Fashion-MNIST IDX"
          + " files from Debian's dataset-fashion-mnist: " + FashionMnist.INSTALL);
    }
    String source = data.equals(FashionMnist.DEFAULT_DIR) ? "fashion-mnist" : data.toString();
    TrainingJob job = new TrainingJob(System.out);
    (noUi ? job : job.withUi(port)).start(new JobSpec("lenet5", source, 0.2, false, null, null), cfg, runs, null);
  }
}
