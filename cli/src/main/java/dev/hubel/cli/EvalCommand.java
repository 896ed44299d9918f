package dev.hubel.cli;

import dev.hubel.data.Dataset;
import dev.hubel.data.Splits;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Shape;
import dev.hubel.train.Evaluation;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a model file on a dataset's test split.",
        "Prints the accuracy, top-5, per-class accuracy and the confusion matrix. A dataset without a test split (the npm digits, an image folder) is divided as",
        "'hubel train' divided it: give the same --hold-out and --seed as the run did."},
    footer = {"", "Example:", "  ./hubel eval runs/lenet-5-20261125-101500/model.safetensors --data fashion-mnist"})
final class EvalCommand implements Runnable {

  @Parameters(index = "0", paramLabel = "MODEL_FILE", description = "A model file written by 'hubel train' (model.safetensors), a checkpoint, or an ONNX model (.onnx).")
  Path file;

  @Option(names = "--data", required = true, paramLabel = "NAME|PATH", description = "The dataset: a name (fashion-mnist, mnist, cifar10, cifar100) or a path.")
  String data;

  @Option(names = "--hold-out", paramLabel = "F", description = "Part held out as the test split when the dataset has none (default: ${DEFAULT-VALUE}).")
  double holdOut = 0.2;

  @Option(names = "--seed", description = "Seed of that hold-out split (default: ${DEFAULT-VALUE}, as 'hubel train').")
  long seed = 1;

  @Option(names = "--batch", description = "Examples per forward pass (default: ${DEFAULT-VALUE}).")
  int batch = 256;

  @Mixin
  ThreadsOption threads;

  @Override
  public void run() {
    threads.apply();
    if (batch < 1) throw new UserException("--batch must be at least 1, received " + batch);
    Model model = ModelFiles.load(file);
    Shape in = model.inputShape();
    Splits splits = DataSource.open(data, in, false).orHoldOut(holdOut, seed);
    Dataset test = splits.requireTest();
    Plan.requireInputShape(model, test.shape(), test.name());
    Evaluation e = Evaluation.of(model, test, batch);
    System.out.printf(Locale.ROOT, "%s on %s: %,d test examples%n", model.name(), test.name(), e.count());
    System.out.printf(Locale.ROOT, "test accuracy: %.2f%%%n", 100 * e.accuracy());
    System.out.print(e.render());
  }
}
