package dev.hubel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print a zoo model's layer table: output volumes, layers in words, parameter counts and how they were counted.")
final class SummaryCommand implements Runnable {

  @Parameters(paramLabel = "MODEL", description = "A zoo model name, e.g. lenet5.")
  String model;

  @Override
  public void run() {
    System.out.print(ModelNames.build(model).summary());
  }
}
