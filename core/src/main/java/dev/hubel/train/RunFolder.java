package dev.hubel.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hubel.data.Augmentation;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Model;
import dev.hubel.model.Normalization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's own folder, {@code runs/<name>/}, kept up to date as the run goes:
 * <ul>
 *   <li>{@code run.json}: the settings (model, data, split, config, normalisation, threads), written at the start;
 *   <li>{@code metrics.csv}: one row per epoch, appended when the epoch ends
 *       ({@value #HEADER}; validation columns empty when nothing is held out);
 *   <li>{@code chart.png}: loss and accuracy curves, redrawn after every epoch;
 *   <li>{@code recipe.json}: the run stated in full ({@link #writeRecipe}), when it was started from a recipe.
 * </ul>
 * A folder is never overwritten: a new run gets a new one, and a resumed run continues its own.
 */
public final class RunFolder implements RunListener {
  public static final String SETTINGS = "run.json", METRICS = "metrics.csv", CHART = "chart.png", RECIPE = "recipe.json";
  public static final String HEADER = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,images_per_second,seconds";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private String chartProblem;

  private RunFolder(Path dir) {
    this.dir = dir;
  }

  /** A new folder {@code runsDir/name}; refuses a name that is taken. */
  public static RunFolder create(Path runsDir, String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("run name '" + name + "' must be letters, digits, '.', '_' or '-', starting with a "
          + "letter or digit (it names a folder under " + runsDir + ")");
    }
    Path dir = runsDir.resolve(name);
    try {
      Files.createDirectories(runsDir);
      Files.createDirectory(dir);  // atomic: fails if it exists, even if another process made it a moment ago
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(dir + " already exists, and a run's folder is never overwritten; "
          + "choose another name, or resume that run");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run folder " + dir + ": " + e.getMessage(), e);
    }
    RunFolder folder = new RunFolder(dir);
    folder.writeAtomically(METRICS, HEADER + "\n");
    return folder;
  }

  /** A new folder named after the model and the time, {@code lenet-5-20250301-142501}, with -2, -3.. if that is taken. */
  public static RunFolder create(Path runsDir, Model model) {
    String base = defaultName(model.name(), LocalDateTime.now());
    for (int k = 1; ; k++) {
      String name = k == 1 ? base : base + "-" + k;
      if (Files.exists(runsDir.resolve(name))) continue;
      try {
        return create(runsDir, name);
      } catch (IllegalArgumentException taken) {
        // another run took it between the check and the creation: try the next number
      }
    }
  }

  /** The model's name in lower case, characters that do not belong in a folder name as '-', and the time. */
  public static String defaultName(String modelName, LocalDateTime when) {
    String base = modelName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-._]+|-+$", "");
    return (base.isEmpty() ? "run" : base) + "-" + STAMP.format(when);
  }

  /**
   * An existing run's folder, to continue it after epoch {@code completedEpochs}: rows of
   * metrics.csv for later epochs (written after the checkpoint the run resumes from) are dropped,
   * so the file ends up as an uninterrupted run's would.
   */
  public static RunFolder resume(Path dir, int completedEpochs) {
    Path metrics = dir.resolve(METRICS);
    if (!Files.isRegularFile(metrics)) {
      throw new IllegalArgumentException(dir + " is not a run's folder: it has no " + METRICS);
    }
    RunFolder folder = new RunFolder(dir);
    List<String> kept = new ArrayList<>();
    kept.add(HEADER);
    for (String row : folder.rows()) {
      if (Integer.parseInt(row.substring(0, row.indexOf(','))) <= completedEpochs) kept.add(row);
    }
    if (kept.size() - 1 != completedEpochs) {
      throw new IllegalArgumentException(metrics + " has " + (kept.size() - 1) + " epochs up to epoch " + completedEpochs
          + "; it cannot be continued after epoch " + completedEpochs);
    }
    folder.writeAtomically(METRICS, String.join("\n", kept) + "\n");
    return folder;
  }

  /**
   * Writes {@code recipe.json}, every setting of the run ({@link Recipe#toJson}), so that
   * {@code train --recipe runs/NAME/recipe.json} trains it again. A resumed run keeps the one it has.
   */
  public void writeRecipe(Recipe recipe) {
    if (!Files.exists(dir.resolve(RECIPE))) writeAtomically(RECIPE, recipe.toJson());
  }

  public Path dir() {
    return dir;
  }

  public String name() {
    return dir.getFileName().toString();
  }

  /** Why the chart could not be drawn (no JFreeChart on the class path, no fonts), or null. */
  public String chartProblem() {
    return chartProblem;
  }

  /** The epochs in metrics.csv, read back exactly (numbers are written in full): a resumed run's history. */
  public List<EpochResult> history() {
    List<String> rows = rows();
    int epochs = rows.size();
    try {
      JsonNode settings = JSON.readTree(dir.resolve(SETTINGS).toFile());
      epochs = Math.max(epochs, settings.path("config").path("epochs").asInt(epochs));
    } catch (IOException | RuntimeException e) {
      // settings unreadable: the totals are only for display; the rows count will do
    }
    List<EpochResult> history = new ArrayList<>();
    for (String row : rows) {
      String[] f = row.split(",", -1);
      if (f.length != 8) throw new IllegalArgumentException(dir.resolve(METRICS) + ": row '" + row + "' has " + f.length + " fields, expected 8");
      history.add(new EpochResult(Integer.parseInt(f[0]), epochs, Double.parseDouble(f[1]), Double.parseDouble(f[2]),
          number(f[3]), number(f[4]), Float.parseFloat(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7])));
    }
    return history;
  }

  private static double number(String field) {
    return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
  }

  private List<String> rows() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(METRICS));
      if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
        throw new IllegalArgumentException(dir.resolve(METRICS) + " does not start with the header " + HEADER);
      }
      return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(METRICS) + ": " + e.getMessage(), e);
    }
  }

  /** One metrics.csv row; numbers in Java's shortest exact form, so they read back to the same bits. */
  static String row(EpochResult r) {
    return r.epoch() + "," + r.loss() + "," + r.accuracy() + ","
        + (r.hasValidation() ? r.validationLoss() + "," + r.validationAccuracy() : ",") + ","
        + r.learningRate() + "," + r.imagesPerSecond() + "," + r.seconds();
  }

  @Override
  public void runStarted(TrainingRun run) {
    if (Files.exists(dir.resolve(SETTINGS))) return;  // a resumed run keeps the settings it started with
    try {
      writeAtomically(SETTINGS, JSON.writeValueAsString(settings(run)) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(SETTINGS) + ": " + e.getMessage(), e);
    }
  }

  private Map<String, Object> settings(TrainingRun run) {
    Model model = run.model();
    TrainConfig cfg = run.config();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name());
    s.put("started", OffsetDateTime.now().withNano(0).toString());
    s.put("model", model.name());
    s.put("parameters", model.paramCount());
    s.put("input", model.inputShape().toString());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", run.data().name());
    data.put("examples", run.data().size());
    data.put("shape", run.data().shape().toString());
    data.put("classes", List.of(run.data().classNames()));
    s.put("data", data);
    s.put("split", Map.of("train", run.split().train().length, "validation", run.split().validation().length));
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("epochs", cfg.epochs());
    c.put("batch", cfg.batch());
    c.put("learning_rate", cfg.learningRate());
    c.put("momentum", cfg.momentum());
    c.put("weight_decay", cfg.weightDecay());
    c.put("lr_decay", cfg.lrDecay());
    c.put("seed", cfg.seed());
    c.put("validation_fraction", cfg.validationFraction());
    Augmentation a = cfg.augmentation();
    c.put("augmentation", Map.of("crop_padding", a.cropPadding(), "flip", a.flip(), "translate", a.translate(),
        "lighting", a.lighting()));
    c.put("normalize", cfg.normalize());
    c.put("optimizer", cfg.optimizer().toString());
    c.put("schedule", cfg.schedule().toString());
    c.put("label_smoothing", cfg.labelSmoothing());
    c.put("clip_norm", cfg.clipNorm());
    c.put("early_stopping", cfg.earlyStopping());
    s.put("config", c);
    Normalization n = model.normalization();
    s.put("normalization", n == null ? null : Map.of("mean", n.mean(), "std", n.std()));
    s.put("threads", WorkerPool.shared().threads());
    s.put("java", Runtime.version().toString());
    if (run.completedEpochs() > 0) s.put("resumed_after_epoch", run.completedEpochs());
    return s;
  }

  @Override
  public void epochEnded(EpochEnd end) {
    try {
      // Appended and closed at once: an interrupted run leaves every finished epoch on disk.
      Files.writeString(dir.resolve(METRICS), row(end.result()) + "\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + dir.resolve(METRICS) + ": " + e.getMessage(), e);
    }
    drawChart(end.history(), end.model().name());
  }

  private void drawChart(List<EpochResult> history, String modelName) {
    if (chartProblem != null) return;
    try {
      LossChart.write(history, name() + " (" + modelName + ")", dir.resolve(CHART));
    } catch (IOException | RuntimeException | LinkageError e) {
      chartProblem = e instanceof NoClassDefFoundError ? "JFreeChart (org.jfree:jfreechart) is not on the class path" : e.toString();
      System.err.println("hubel: no chart in " + dir + ": " + chartProblem + "; metrics.csv has the figures");
    }
  }

  private void writeAtomically(String file, String text) {
    Path target = dir.resolve(file), tmp = dir.resolve(file + ".tmp");
    try {
      Files.writeString(tmp, text);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
