package dev.hubel.cli;

import dev.hubel.data.DataException;
import dev.hubel.io.ModelFileException;
import java.io.UncheckedIOException;
import dev.hubel.tensor.ShapeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./hubel}. A user's mistake (bad option, bad data, a model that does not
 * fit) ends with its message and a non-zero exit, never a stack trace; set HUBEL_DEBUG=1 to see one.
 */
@Command(name = "hubel", mixinStandardHelpOptions = true, version = "hubel 0.1.0",
    description = "Convolutional neural networks in pure Java.",
    subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, EnsembleCommand.class,
        SummaryCommand.class, ExportCommand.class, ImportCommand.class, BenchCommand.class, UiCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(Main::explain);
    return cli.execute(args);
  }

  private static int explain(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (System.getenv("HUBEL_DEBUG") != null) e.printStackTrace(err);
    boolean userError = e instanceof ShapeException || e instanceof DataException
        || e instanceof IllegalArgumentException || e instanceof UserException || e instanceof ModelFileException
        || e instanceof UncheckedIOException || e instanceof dev.hubel.onnx.OnnxException
        || e instanceof dev.hubel.train.DivergenceException;
    if (userError) {
      err.println("hubel " + cmd.getCommandName() + ": " + e.getMessage());
      return 2;
    }
    err.println("hubel " + cmd.getCommandName() + ": internal error: " + e
        + " (this is a bug in Hubel; rerun with HUBEL_DEBUG=1 for the stack trace and report it)");
    return 70;
  }
}
