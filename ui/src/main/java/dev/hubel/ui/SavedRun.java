package dev.hubel.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import dev.hubel.train.RunFolder;
import dev.hubel.ui.Views.Epoch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished (or interrupted) run read back from its folder, as {@link RunFolder} wrote it:
 * run.json for what was trained on what, metrics.csv for the curves, and the model file if the
 * run saved one. Only read: opening a run's page never changes its folder.
 */
record SavedRun(Path dir, String name, JsonNode settings, List<Epoch> epochs, Model model, Path modelFile) {
  /** Where a run's model file is: what {@code ./hubel train} saves at the end. */
  static final String MODEL_FILE = "model.safetensors";

  static SavedRun read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " not found; expected a run's folder, runs/<name>/ with "
          + RunFolder.SETTINGS + " and " + RunFolder.METRICS);
    }
    Path metrics = dir.resolve(RunFolder.METRICS);
    if (!Files.isRegularFile(metrics)) {
      throw new IllegalArgumentException(dir + " is not a run's folder: it has no " + RunFolder.METRICS);
    }
    JsonNode settings = null;
    Path json = dir.resolve(RunFolder.SETTINGS);
    if (Files.isRegularFile(json)) {
      try {
        settings = PageState.JSON.readTree(json.toFile());
      } catch (IOException e) {
        throw new IllegalArgumentException(json + " is not readable JSON (" + e.getMessage() + ")", e);
      }
    }
    Path modelFile = dir.resolve(MODEL_FILE);
    Model model = Files.isRegularFile(modelFile) ? ModelFile.load(modelFile) : null;
    Path abs = dir.toAbsolutePath().normalize();
    String name = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
    return new SavedRun(dir, name, settings, epochs(metrics), model, model == null ? null : modelFile);
  }

  /** The rows of metrics.csv ({@value RunFolder#HEADER}); empty validation columns are null. */
  static List<Epoch> epochs(Path metrics) {
    List<String> lines;
    try {
      lines = Files.readAllLines(metrics);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + metrics + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty() || !lines.getFirst().equals(RunFolder.HEADER)) {
      throw new IllegalArgumentException(metrics + " does not start with the header " + RunFolder.HEADER);
    }
    List<Epoch> out = new ArrayList<>();
    for (String row : lines.subList(1, lines.size())) {
      if (row.isBlank()) continue;
      String[] f = row.split(",", -1);
      try {
        if (f.length != 8) throw new NumberFormatException("it has " + f.length + " fields, expected 8");
        out.add(new Epoch(Integer.parseInt(f[0]), number(f[1]), number(f[2]), number(f[3]), number(f[4]), number(f[5]),
            number(f[6]), number(f[7])));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(metrics + ": row '" + row + "' is not a row of numbers (" + e.getMessage() + ")", e);
      }
    }
    return out;
  }

  private static Double number(String field) {
    return field.isEmpty() ? null : Views.number(Double.parseDouble(field));
  }

  String text(String... path) {
    JsonNode n = settings;
    for (String p : path) n = n == null ? null : n.get(p);
    return n == null || n.isNull() ? null : n.asText();
  }

  Integer integer(String... path) {
    String t = text(path);
    try {
      return t == null ? null : Integer.valueOf(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  List<String> classes() {
    JsonNode n = settings == null ? null : settings.path("data").get("classes");
    if (n == null || !n.isArray()) return null;
    List<String> names = new ArrayList<>();
    n.forEach(c -> names.add(c.asText()));
    return names;
  }
}
