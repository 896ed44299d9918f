package dev.hubel.cli;

import dev.hubel.zoo.Zoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print a zoo model's layer table: output volumes, layers in words, parameter counts and how they were counted.",
    footer = {"", "Examples:", "  ./hubel summary alexnet", "  ./hubel summary resnet50 --classes 10 --input 3x64x64"})
final class SummaryCommand implements Runnable {

  @Parameters(paramLabel = "MODEL", description = "A zoo model: ${COMPLETION-CANDIDATES}.", completionCandidates = ZooNames.class)
  String model;

  @Option(names = "--classes", description = "Outputs of the last layer (default: the paper's).")
  Integer classes;

  @Option(names = "--input", paramLabel = "CxHxW", description = "The input, e.g. 3x32x32 (default: the paper's).")
  String input;

  @Override
  public void run() {
    System.out.print(ModelNames.build(model, new Zoo.Options(classes, JobSpec.parseInput(input), null)).summary());
  }

  /** The zoo's names, for the help text. */
  static final class ZooNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Zoo.names().iterator();
    }
  }
}
