package dev.hubel.cli;

import dev.hubel.data.Augmentation;
import dev.hubel.data.FashionMnist;
import dev.hubel.train.OptimizerConfig;
import dev.hubel.train.ScheduleConfig;
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

  /**
   * The demo's recipe, a few minutes on 2 cores: AdamW (lr 0.002, decoupled weight decay 0.01) with
   * a cosine schedule over 12 epochs, batch 64, 1/30 of the training set held out to validate.
   * SGD with momentum and a per-epoch decay stayed near 90.1-90.5% in as many epochs (BENCHMARKS.md).
   */
  static final int EPOCHS = 12, BATCH = 64;
  static final float LR = 0.002f, WEIGHT_DECAY = 0.01f;
  static final double VALIDATION = 1.0 / 30;

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
    TrainConfig cfg = new TrainConfig(epochs, BATCH, LR, 0.9f, 5e-4f, 1f, seed, VALIDATION, Augmentation.NONE, true)
        .withOptimizer(OptimizerConfig.adamW(LR, WEIGHT_DECAY)).withSchedule(ScheduleConfig.cosine(0f));
    if (!java.nio.file.Files.isDirectory(data)) {
      throw new dev.hubel.data.DataException("Fashion-MNIST directory " + data + " not found; expected the Fashion-MNIST IDX"
          + " files from Debian's dataset-fashion-mnist: " + FashionMnist.INSTALL);
    }
    String source = data.equals(FashionMnist.DEFAULT_DIR) ? "fashion-mnist" : data.toString();
    TrainingJob job = new TrainingJob(System.out);
    (noUi ? job : job.withUi(port)).start(new JobSpec("lenet5", source, 0.2, false, null, null), cfg, runs, null);
  }
}
