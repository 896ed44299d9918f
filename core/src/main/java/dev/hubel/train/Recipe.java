package dev.hubel.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hubel.data.Augmentation;
import dev.hubel.data.Dataset;
import dev.hubel.data.DatasetCatalog;
import dev.hubel.data.Splits;
import dev.hubel.data.Vocabulary;
import dev.hubel.model.Architecture;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.Zoo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A training run stated in full, as a JSON file: the model, the data, and every setting of
 * training (a {@link TrainConfig}). {@link #read} refuses a key it does not know, a value of the
 * wrong type or an impossible one, naming the key, the value and what is allowed; {@link #toJson}
 * writes every setting, defaults included, so that a run's folder can hold the recipe that
 * reproduces it. The zoo ships one per model ({@link #zoo}).
 *
 * <pre>{@code
 * {
 *   "model": {"name": "alexnet", "dropout": 0.5},
 *   "data": "imagenet/train",
 *   "augmentation": {"crop_padding": 16, "flip": true, "lighting": 0.1},
 *   "optimizer": {"name": "sgd", "learning_rate": 0.01, "momentum": 0.9, "weight_decay": 0.0005},
 *   "schedule": {"name": "plateau", "factor": 0.1, "patience": 2, "min_learning_rate": 1e-5},
 *   "epochs": 90, "batch": 128, "seed": 1, "validation": 0.1
 * }
 * }</pre>
 *
 * @param name what the recipe is ({@code alexnet}); free text
 * @param description where its settings come from; free text
 */
public record Recipe(String name, String description, ModelSpec model, DataSpec data, TrainConfig train) {

  /**
   * The zoo model to build. Null settings come from the data (classes, input) or the model's
   * own definition (dropout).
   *
   * @param input C x H x W, written HxWxC as the lecture and the summaries write it ("32x32x3");
   *     a vector of L token ids as "L"
   * @param dropout the rate of every dropout layer of the model, in [0, 1); null keeps the paper's
   * @param init how weights start; the run's seed draws them
   */
  public record ModelSpec(String name, Integer classes, Shape input, Double dropout, Init init) {
    public ModelSpec {
      if (name == null) throw new IllegalArgumentException("a recipe's model needs a name from the zoo: " + String.join(", ", Zoo.names()));
      if (init == null) init = Init.HE;
    }
  }

  /**
   * The dataset by name ({@link DatasetCatalog#NAMES}) or path, and how a path is read when its
   * format leaves a choice (image size and channels, text length).
   */
  public record DataSpec(String name, DatasetCatalog.Options options) {
    public DataSpec {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("a recipe's data needs a name or a path");
      if (options == null) options = DatasetCatalog.Options.DEFAULTS;
    }
  }

  public Recipe {
    if (model == null || data == null || train == null) throw new IllegalArgumentException("a recipe needs a model, data and training settings");
    if (name == null) name = model.name();
    if (description == null) description = "";
  }

  static final List<String> KEYS = List.of("name", "description", "model", "data", "augmentation", "normalize", "optimizer", "schedule",
      "epochs", "batch", "seed", "validation", "label_smoothing", "clip_norm", "early_stopping");
  private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** The recipe in {@code file}; a {@link RecipeException} names the file, key and value at fault. */
  public static Recipe read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the recipe " + file + ": " + e.getMessage(), e);
    }
  }

  /** The zoo's recipe for {@code model} (core's resources {@code recipes/<model>.json}). */
  public static Recipe zoo(String model) {
    String name = model.toLowerCase(Locale.ROOT);
    try (InputStream in = Recipe.class.getResourceAsStream("/recipes/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("the zoo has no recipe for '" + model + "'; it has one for each of: " + String.join(", ", Zoo.names()));
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "recipes/" + name + ".json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code json} read strictly; {@code source} names it in messages (a file name). */
  public static Recipe parse(String json, String source) {
    return new RecipeReader(new StrictJson(source)).read(json);
  }

  /** What a TrainingRun needs: every training setting of the recipe. */
  public TrainConfig toConfig() {
    return train;
  }

  /** Opens the recipe's data through {@code catalog}. */
  public Splits openData(DatasetCatalog catalog) {
    return catalog.open(data.name(), data.options());
  }

  /** The zoo's options for the model: the recipe's classes and input, else the data's. */
  public Zoo.Options modelOptions(Splits splits) {
    Dataset train = splits.train();
    return new Zoo.Options(model.classes() != null ? model.classes() : train.classes(),
        model.input() != null ? model.input() : train.shape(), splits.vocabulary().map(Vocabulary::size).orElse(null));
  }

  /**
   * The zoo model for {@code splits}, with the recipe's dropout rate in every dropout layer,
   * initialised from the recipe's seed, its classes named as the data names them.
   */
  public Model buildModel(Splits splits) {
    Model m = Zoo.build(model.name(), modelOptions(splits));
    if (model.dropout() != null) m = withDropout(m, model.dropout());
    m.initialize(model.init(), train.seed());
    String[] names = splits.train().classNames();
    if (names.length == m.outputShape().size()) m.setClassNames(List.of(names));
    return m;
  }

  /** {@code m} rebuilt with every dropout layer's rate set to {@code rate}; refuses a model that has none. */
  Model withDropout(Model m, double rate) {
    List<Map<String, Object>> layers = Architecture.describe(m);
    int changed = 0;
    for (Map<String, Object> layer : layers) {
      if ("dropout".equals(layer.get("op"))) {
        layer.put("p", rate);
        changed++;
      }
    }
    if (changed == 0) {
      throw new RecipeException(name, "model.dropout", "model.dropout is " + rate + ", but " + model.name()
          + " has no dropout layer; leave model.dropout out");
    }
    return Architecture.rebuild(m.name(), layers);
  }

  public Recipe withSeed(long seed) {
    return new Recipe(name, description, model, data, train.withSeed(seed));
  }

  public Recipe withEpochs(int epochs) {
    return new Recipe(name, description, model, data, train.withEpochs(epochs));
  }

  /** The same recipe on other data (a name or a path, read with the recipe's options). */
  public Recipe withData(String nameOrPath) {
    return new Recipe(name, description, model, new DataSpec(nameOrPath, data.options()), train);
  }

  public Recipe withTrain(TrainConfig config) {
    return new Recipe(name, description, model, data, config);
  }

  /** Every setting, defaults included, in the form {@link #parse} reads: what a run's folder keeps. */
  public String toJson() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", name);
    if (!description.isEmpty()) r.put("description", description);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", model.name());
    if (model.classes() != null) m.put("classes", model.classes());
    if (model.input() != null) m.put("input", model.input().toString());
    if (model.dropout() != null) m.put("dropout", model.dropout());
    m.put("init", model.init().name().toLowerCase(Locale.ROOT));
    r.put("model", m);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", data.name());
    DatasetCatalog.Options o = data.options();
    d.put("channels", o.channels());
    d.put("height", o.height());
    d.put("width", o.width());
    d.put("length", o.length());
    r.put("data", d);
    Augmentation a = train.augmentation();
    Map<String, Object> aug = new LinkedHashMap<>();
    aug.put("crop_padding", a.cropPadding());
    aug.put("flip", a.flip());
    aug.put("translate", a.translate());
    aug.put("lighting", a.lighting());
    r.put("augmentation", aug);
    r.put("normalize", train.normalize());
    r.put("optimizer", RecipeReader.optimizerJson(train.optimizer()));
    r.put("schedule", RecipeReader.scheduleJson(train.schedule()));
    r.put("epochs", train.epochs());
    r.put("batch", train.batch());
    r.put("seed", train.seed());
    r.put("validation", train.validationFraction());
    r.put("label_smoothing", train.labelSmoothing());
    r.put("clip_norm", train.clipNorm());
    r.put("early_stopping", train.earlyStopping());
    try {
      return JSON.writeValueAsString(r) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
