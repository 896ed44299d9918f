package dev.hubel.cli;

import dev.hubel.data.Dataset;
import dev.hubel.data.Splits;
import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import dev.hubel.train.Ensemble;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ensemble", mixinStandardHelpOptions = true,
    description = {"Average the class probabilities of several trained models (AlexNet's seven CNNs cut its error from 18.2%% to 15.4%%)"
        + " and print each model's test error and the ensemble's.",
        "The models must take the same inputs and predict the same classes."})
final class EnsembleCommand implements Runnable {

  @Parameters(paramLabel = "MODEL_FILE", arity = "1..*", description = "Model or checkpoint files (.safetensors) to average.")
  List<Path> files;

  @Option(names = "--data", required = true, paramLabel = "NAME|PATH",
      description = "The dataset whose test split to score on: fashion-mnist, mnist, cifar10, cifar100, or a path.")
  String data;

  @Option(names = "--batch", description = "Examples per forward pass (default: ${DEFAULT-VALUE}).")
  int batch = 256;

  @Option(names = "--hold-out", paramLabel = "F",
      description = "For data without a test split: the fraction held out to score on, drawn from --seed (default: ${DEFAULT-VALUE}).")
  double holdOut = 0.1;

  @Option(names = "--seed", description = "Seed of the hold-out, for data without a test split (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Mixin
  ThreadsOption threads;

  /**
   * How the table names a member: its file name, or with its folder when the names alone would
   * not tell members apart (runs all write runs/NAME/model.safetensors).
   */
  private String label(Path f) {
    String name = f.getFileName().toString();
    long same = files.stream().filter(o -> o.getFileName().toString().equals(name)).count();
    Path folder = f.toAbsolutePath().getParent();
    return same > 1 && folder != null && folder.getFileName() != null ? folder.getFileName() + "/" + name : name;
  }

  @Override
  public void run() {
    threads.apply();
    if (batch < 1) throw new UserException("--batch must be at least 1, received " + batch);
    List<Model> members = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (Path f : files) {
      members.add(ModelFile.load(f));
      labels.add(label(f));
    }
    Ensemble ensemble = Ensemble.of(labels, members);
    Shape input = members.getFirst().inputShape();
    Splits splits = DataSource.open(data, input, false);
    Dataset test = fit(splits.orHoldOut(holdOut, seed).requireTest(), input);
    System.out.printf(Locale.ROOT, "%d models on %,d test examples of %s%n", members.size(), test.size(), test.name());
    System.out.print(ensemble.evaluate(test, batch).render());
  }

  /** 28x28 images for models trained on them padded to 32x32 (LeNet's input): padded as in training. */
  private static Dataset fit(Dataset test, Shape input) {
    Shape s = test.shape();
    if (s.isVolume() && input.isVolume() && s.c() == input.c() && input.h() > s.h() && input.h() - s.h() == input.w() - s.w()
        && (input.h() - s.h()) % 2 == 0) {
      return test.padded((input.h() - s.h()) / 2);
    }
    return test;
  }
}
