package dev.hubel.cli;

import dev.hubel.data.Dataset;
import dev.hubel.data.Splits;
import dev.hubel.data.Vocabulary;
import dev.hubel.io.Checkpoint;
import dev.hubel.io.ModelFile;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import dev.hubel.train.EpochEnd;
import dev.hubel.train.Evaluation;
import dev.hubel.train.ProgressDisplay;
import dev.hubel.train.RunFolder;
import dev.hubel.train.RunListener;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.TrainingRun;
import dev.hubel.train.TrainingState;
import dev.hubel.ui.Dashboard;
import dev.hubel.zoo.Zoo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A training run as the CLI does it, for {@code train} and {@code demo}: open the data, build the
 * zoo model to fit it, train with a progress display into {@code runs/<name>/} (metrics, chart,
 * a checkpoint after every epoch), save the model file, and report the test accuracy. A run
 * stopped at any point (even by kill -9) continues from its last checkpoint with {@link #resume},
 * ending with the weights an uninterrupted run would have.
 */
final class TrainingJob {
  static final String CHECKPOINT = "checkpoint.safetensors";
  static final String MODEL_FILE = "model.safetensors";

  /** The data a job trains and tests on, and the model built to fit it. */
  record Prepared(Dataset train, Dataset test, Model model, Splits splits) {}

  /** What a finished job leaves: its folder, model file and the test evaluation. */
  record Result(Path dir, Path modelFile, Evaluation test) {}

  private final PrintStream out;
  private final List<RunListener> extraListeners = new ArrayList<>();
  private Integer uiPort;  // null: no dashboard
  private dev.hubel.train.Recipe recipe;  // saved into the run folder when the run comes from one

  TrainingJob(PrintStream out) {
    this.out = out;
  }

  /** Serves the live dashboard on 127.0.0.1 while training ({@code port} 0: any free port) and opens it in a browser if there is one. */
  TrainingJob withUi(int port) {
    this.uiPort = port;
    return this;
  }

  /** The recipe the run follows, written into its folder as recipe.json. */
  TrainingJob withRecipe(dev.hubel.train.Recipe r) {
    this.recipe = r;
    return this;
  }

  /** Another listener for the run. */
  TrainingJob listen(RunListener l) {
    extraListeners.add(l);
    return this;
  }

  /** Opens the data and builds the model to take it: its classes and example shape, unless the spec says otherwise. */
  static Prepared prepare(JobSpec spec, long seed) {
    Zoo.Options given = new Zoo.Options(spec.classes(), JobSpec.parseInput(spec.input()), null);
    if (!Zoo.has(spec.model())) {
      throw new UserException("no model named '" + spec.model() + "'; the zoo has: " + String.join(", ", Zoo.names()));
    }
    Shape paperInput = Zoo.build(spec.model(), given).inputShape();
    Splits splits = DataSource.open(spec.data(), paperInput, spec.download()).orHoldOut(spec.holdOut(), seed);
    Dataset train = splits.train(), test = splits.requireTest();
    Integer vocabulary = splits.vocabulary().map(Vocabulary::size).orElse(null);
    Zoo.Options fitted = new Zoo.Options(spec.classes() != null ? spec.classes() : train.classes(),
        given.input() != null ? given.input() : train.shape(), vocabulary);
    Model model = Zoo.build(spec.model(), fitted);
    model.setClassNames(List.of(train.classNames()));
    return new Prepared(train, test, model, splits);
  }

  /** Starts a new run in {@code runsDir/name} (a name from the model and the time when null). */
  Result start(JobSpec spec, TrainConfig cfg, Path runsDir, String name) {
    Prepared p = prepare(spec, spec.splitSeedOr(cfg.seed()));
    // a recipe may override the zoo model's dropout and its initialisation; otherwise He from the seed
    Model model = recipe != null ? recipe.buildModel(p.splits()) : p.model().initialize(Init.HE, cfg.seed());
    if (model.classNames() == null) model.setClassNames(List.of(p.train().classNames()));
    if (!p.train().shape().isVolume()) cfg = cfg.withNormalize(false);  // token ids are not pixels
    RunFolder folder = name == null ? RunFolder.create(runsDir, model) : RunFolder.create(runsDir, name);
    spec.save(folder.dir());
    if (recipe != null) folder.writeRecipe(recipe);
    TrainingRun run = new TrainingRun(model, p.train(), cfg);
    header(spec, run, p);
    return train(run, folder, p.test());
  }

  /** Continues the run in {@code dir} from its last checkpoint. */
  Result resume(Path dir) {
    JobSpec spec = JobSpec.load(dir);
    Path file = dir.resolve(CHECKPOINT);
    if (!Files.isRegularFile(file)) {
      throw new UserException(dir + " has no " + CHECKPOINT + ": the run stopped before its first epoch ended;"
          + " start it again with 'hubel train'");
    }
    Checkpoint.Loaded saved = Checkpoint.load(file);
    TrainingState state = saved.state();
    TrainConfig cfg = state.config();
    if (state.epoch() >= cfg.epochs()) {
      throw new UserException(dir + " finished all " + cfg.epochs() + " epochs already; its model is "
          + dir.resolve(MODEL_FILE));
    }
    Prepared p = prepare(spec, spec.splitSeedOr(cfg.seed()));
    TrainingRun run = new TrainingRun(saved.model(), p.train(), cfg);
    saved.restoreInto(run.optimizer());
    RunFolder folder = RunFolder.resume(dir, state.epoch());
    run.resumeAfter(state.epoch(), state.iteration(), folder.history());
    out.printf(Locale.ROOT, "Resuming %s after epoch %d of %d%n", dir, state.epoch(), cfg.epochs());
    return train(run, folder, p.test());
  }

  private void header(JobSpec spec, TrainingRun run, Prepared p) {
    TrainConfig c = run.config();
    out.printf(Locale.ROOT, "%s (%,d parameters) on %s: %,d training examples (%,d held out to validate), %,d to test%n",
        run.model().name(), run.model().paramCount(), spec.data(), run.split().train().length,
        run.split().validation().length, p.test().size());
    out.printf(Locale.ROOT, "%d epochs, batch %d, %s, schedule %s, augmentation %s, seed %d, %d threads%n",
        c.epochs(), c.batch(), c.optimizer(), c.schedule(), c.augmentation(), c.seed(), WorkerPool.shared().threads());
  }

  /** Metrics before the checkpoint: a run killed between the two redoes that epoch, never skips one. */
  private Result train(TrainingRun run, RunFolder folder, Dataset test) {
    Path dir = folder.dir();
    run.listen(ProgressDisplay.forConsole(out)).listen(folder);
    for (RunListener l : extraListeners) run.listen(l);
    run.onEpochEnd(end -> saveCheckpoint(dir, run.config(), end));
    try (Dashboard ui = uiPort == null ? null : Dashboard.start(uiPort)) {
      if (ui != null) {
        ui.runFolder(dir).testSet(test).attach(run);
        out.println("dashboard:   " + ui.url() + (ui.openInBrowser() ? " (opened in your browser)" : " (open it in a browser)"));
      }
      run.train();
    }
    Path modelFile = dir.resolve(MODEL_FILE);
    ModelFile.save(run.model(), modelFile);
    Evaluation result = Evaluation.of(run.model(), test, 256);
    out.printf(Locale.ROOT, "test accuracy: %.2f%% (top-5 %.2f%%) on %,d test examples%n",
        100 * result.accuracy(), 100 * result.top5Accuracy(), result.count());
    out.println("run folder:  " + dir);
    out.println("model file:  " + modelFile);
    out.println("metrics:     " + dir.resolve(RunFolder.METRICS));
    out.println("chart:       " + (folder.chartProblem() == null ? dir.resolve(RunFolder.CHART) : "not drawn (" + folder.chartProblem() + ")"));
    out.println("its page:    ./hubel ui " + dir);
    return new Result(dir, modelFile, result);
  }

  private static void saveCheckpoint(Path dir, TrainConfig cfg, EpochEnd end) {
    Checkpoint.save(dir.resolve(CHECKPOINT), end.model(), end.optimizer(),
        new TrainingState(cfg, end.epoch(), end.iteration(), end.optimizer().learningRate()));
  }
}
