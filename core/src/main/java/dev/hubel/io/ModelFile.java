package dev.hubel.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.model.Architecture;
import dev.hubel.model.Model;
import dev.hubel.model.Normalization;
import dev.hubel.tensor.Param;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole model in one safetensors file: every parameter (running statistics too) as a float32
 * tensor named as the model names it ({@code CONV1.weight}, PyTorch's layout), and in the metadata,
 * as JSON strings, what it takes to build it again: the architecture, the name, the input
 * normalisation and the class names. Python's safetensors (or 20 lines of numpy) reads the weights.
 */
public final class ModelFile {
  /** Bumped when a file written now could not be read by an older Hubel. */
  public static final int FORMAT_VERSION = 1;
  static final String FORMAT = "format";
  static final String VERSION = "format_version";
  static final String NAME = "name";
  static final String ARCHITECTURE = "architecture";
  static final String NORMALIZATION = "normalization";
  static final String CLASS_NAMES = "class_names";
  static final String MODEL_FORMAT = "hubel-model";
  static final ObjectMapper JSON = new ObjectMapper();

  private ModelFile() {}

  /** Writes the model to {@code file} atomically: a crash mid-write leaves the previous file whole. */
  public static void save(Model model, Path file) {
    SafeTensors.write(file, metadata(model, MODEL_FORMAT), weights(model));
  }

  /** The model saved in {@code file} (a model file or a checkpoint), built again with its weights. */
  public static Model load(Path file) {
    try (SafeTensors st = SafeTensors.open(file)) {
      return read(st);
    }
  }

  /** What a model file's metadata holds; a checkpoint adds its own entries. */
  static Map<String, String> metadata(Model model, String format) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(FORMAT, format);
    m.put(VERSION, Integer.toString(FORMAT_VERSION));
    m.put(NAME, model.name());
    try {
      m.put(ARCHITECTURE, JSON.writeValueAsString(Architecture.describe(model)));
      Normalization n = model.normalization();
      if (n != null) m.put(NORMALIZATION, JSON.writeValueAsString(Map.of("mean", n.mean(), "std", n.std())));
      if (model.classNames() != null) m.put(CLASS_NAMES, JSON.writeValueAsString(model.classNames()));
    } catch (JacksonException e) {
      throw new IllegalStateException("the metadata of " + model.name() + " is not JSON: " + e.getOriginalMessage(), e);
    }
    return m;
  }

  /** Every parameter, in the model's order, named and shaped as the model has it. */
  static List<SafeTensors.Entry> weights(Model model) {
    List<SafeTensors.Entry> out = new ArrayList<>();
    for (Param p : model.params()) out.add(new SafeTensors.Entry(p.name(), p.shape().dims(), p.value()));
    return out;
  }

  /** The model the file describes, its weights read in. */
  static Model read(SafeTensors st) {
    Model model = build(st);
    fill(st, model);
    return model;
  }

  /** The model the metadata describes, with its normalisation and class names; its weights are not read yet. */
  static Model build(SafeTensors st) {
    Path file = st.file();
    Map<String, String> meta = st.metadata();
    if (meta.isEmpty()) {
      throw new ModelFileException(file, "has no __metadata__; a Hubel model file keeps its architecture there"
          + " (is this a plain safetensors file of weights?)");
    }
    String format = required(st, FORMAT);
    if (!format.equals(MODEL_FORMAT) && !format.equals(Checkpoint.FORMAT)) {
      throw new ModelFileException(file, "metadata 'format' is '" + format + "'; expected " + MODEL_FORMAT + " or " + Checkpoint.FORMAT);
    }
    int version = version(st);
    if (version > FORMAT_VERSION) {
      throw new ModelFileException(file, "was written by a newer Hubel (format version " + version + "); this one reads version "
          + FORMAT_VERSION + " and older");
    }
    String name = required(st, NAME);
    List<Map<String, Object>> layers = json(st, ARCHITECTURE, new TypeReference<>() {}, "a JSON list of layers");
    Model model;
    try {
      model = Architecture.rebuild(name, layers);
    } catch (RuntimeException e) {
      throw new ModelFileException(file, "cannot rebuild the architecture: " + e.getMessage(), e);
    }
    if (meta.containsKey(NORMALIZATION)) {
      Map<String, float[]> n = json(st, NORMALIZATION, new TypeReference<>() {}, "a JSON object {\"mean\": [..], \"std\": [..]}");
      if (n.get("mean") == null || n.get("std") == null) {
        throw new ModelFileException(file, "metadata 'normalization' " + meta.get(NORMALIZATION) + " needs a 'mean' and a 'std' list");
      }
      try {
        model.setNormalization(new Normalization(n.get("mean"), n.get("std")));
      } catch (RuntimeException e) {
        throw new ModelFileException(file, "metadata 'normalization' " + meta.get(NORMALIZATION) + " does not fit: " + e.getMessage(), e);
      }
    }
    if (meta.containsKey(CLASS_NAMES)) {
      List<String> names = json(st, CLASS_NAMES, new TypeReference<>() {}, "a JSON list of strings");
      try {
        model.setClassNames(names);
      } catch (RuntimeException e) {
        throw new ModelFileException(file, "metadata 'class_names' does not fit: " + e.getMessage(), e);
      }
    }
    return model;
  }

  /**
   * Reads the model's parameters from the file. Every tensor the architecture needs must be there
   * with its shape; any other tensor must be a checkpoint's optimiser state for one of them, or the
   * file is for another model. All of that is checked before the first of possibly hundreds of
   * megabytes is read.
   */
  static void fill(SafeTensors st, Model model) {
    boolean checkpoint = Checkpoint.FORMAT.equals(st.metadata().get(FORMAT));
    checkTensors(st, model, checkpoint ? Checkpoint.statePrefixes(st.metadata()) : Set.of());
    for (Param p : model.params()) st.read(p.name(), p.value());
  }

  private static void checkTensors(SafeTensors st, Model model, Set<String> otherPrefixes) {
    List<String> problems = new ArrayList<>();
    Set<String> needed = new HashSet<>();
    for (Param p : model.params()) {
      needed.add(p.name());
      SafeTensors.Info t = st.info(p.name());
      int[] want = p.shape().dims();
      if (t == null) {
        problems.add("tensor " + p.name() + " " + Arrays.toString(want) + " that the architecture needs is missing");
      } else if (!Arrays.equals(t.shape(), want)) {
        problems.add("tensor " + p.name() + " has shape " + Arrays.toString(t.shape()) + " in the file; the architecture needs "
            + Arrays.toString(want));
      }
    }
    for (SafeTensors.Info t : st.tensors()) {
      String n = t.name();
      boolean besideAParam = otherPrefixes.stream().anyMatch(pre -> n.startsWith(pre) && needed.contains(n.substring(pre.length())));
      if (!needed.contains(n) && !besideAParam) {
        problems.add("tensor " + t.name() + " is not part of the architecture");
      }
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 5);
      throw new ModelFileException(st.file(), "does not fit its architecture (" + model.name() + "): "
          + String.join("; ", problems.subList(0, shown)) + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
    }
  }

  static String required(SafeTensors st, String key) {
    String v = st.metadata().get(key);
    if (v == null) throw new ModelFileException(st.file(), "metadata has no '" + key + "'; a Hubel model file needs it");
    return v;
  }

  private static int version(SafeTensors st) {
    String v = required(st, VERSION);
    try {
      int version = Integer.parseInt(v);
      if (version >= 1) return version;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ModelFileException(st.file(), "metadata 'format_version' is '" + v + "'; expected a whole number from 1");
  }

  /** A metadata entry parsed as JSON of the given type; {@code expected} says what that is, in words. */
  static <T> T json(SafeTensors st, String key, TypeReference<T> type, String expected) {
    String text = required(st, key);
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new ModelFileException(st.file(), "metadata '" + key + "' is not valid JSON (" + JsonText.problem(e) + "); expected " + expected, e);
    }
    T value = null;
    try {
      value = JSON.convertValue(node, type);
    } catch (IllegalArgumentException e) {
      // reported below, with what was there
    }
    if (value == null) throw new ModelFileException(st.file(), "metadata '" + key + "' must be " + expected + ", received " + JsonText.brief(node));
    return value;
  }
}
