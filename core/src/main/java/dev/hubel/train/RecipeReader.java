package dev.hubel.train;

import dev.hubel.data.Augmentation;
import dev.hubel.data.DatasetCatalog;
import dev.hubel.model.Init;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.Zoo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a {@link Recipe} from its JSON, key by key, and writes the optimiser's and schedule's parts back. */
final class RecipeReader {
  private static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "rmsprop");
  private static final List<String> SCHEDULES = List.of("constant", "exponential", "step", "multi-step", "cosine", "plateau");
  private static final List<String> METRICS = List.of("val_accuracy", "val_loss", "train_accuracy", "train_loss");
  private static final List<String> WARMUP = List.of("warmup_epochs", "warmup_start_factor");

  private final StrictJson json;

  RecipeReader(StrictJson json) {
    this.json = json;
  }

  Recipe read(String text) {
    StrictJson.Obj r = json.root(text, Recipe.KEYS);
    Recipe.ModelSpec model = model(r);
    Recipe.DataSpec data = data(r);
    int epochs = r.integer("epochs", null, 1);
    int batch = r.integer("batch", null, 1);
    long seed = r.whole("seed", 1);
    double validation = r.number("validation", 0.0, x -> x >= 0 && x < 1, "a number in [0, 1): the share of the training set held out");
    boolean normalize = r.bool("normalize", true);
    float smoothing = r.fraction("label_smoothing", 0, false);
    float clip = (float) r.number("clip_norm", 0.0, x -> x >= 0, "a number, 0 (no clipping) or more");
    int earlyStopping = r.integer("early_stopping", 0, 0);
    Augmentation augmentation = augmentation(r);
    OptimizerConfig optimizer = optimizer(r);
    ScheduleConfig schedule = schedule(r);
    if (validation == 0 && earlyStopping > 0) {
      throw r.refuse("early_stopping", "0 when validation is 0: early stopping watches validation accuracy, so hold out examples "
          + "(validation 0.1) or leave early_stopping out");
    }
    if (validation == 0 && schedule.needsValidation()) {
      throw json.refuse("schedule.monitor", "the plateau schedule watches " + schedule.monitor()
          + ", which needs validation examples; set validation above 0 (0.1 holds out a tenth) or watch train_loss");
    }
    TrainConfig train = new TrainConfig(epochs, batch, optimizer, schedule, seed, validation, augmentation, normalize, smoothing, clip,
        earlyStopping);
    return new Recipe(r.text("name", null), r.text("description", null), model, data, train);
  }

  private Recipe.ModelSpec model(StrictJson.Obj r) {
    String zoo = "a zoo model: " + String.join(", ", Zoo.names());
    if (r.has("model") && r.get("model").isTextual()) return new Recipe.ModelSpec(zooName(r, "model", zoo), null, null, null, Init.HE);
    StrictJson.Obj m = r.obj("model", List.of("name", "classes", "input", "dropout", "init"));
    if (m == null) throw r.missing("model", zoo + " (or {\"name\": ..., \"classes\": ..., \"input\": ..., \"dropout\": ..., \"init\": ...})");
    String name = zooName(m, "name", zoo);
    Integer classes = m.has("classes") ? m.integer("classes", null, 1) : null;
    Shape input = m.has("input") ? shape(m) : null;
    Double dropout = m.has("dropout") ? m.number("dropout", null, x -> x >= 0 && x < 1, "a number in [0, 1)") : null;
    Init init = Init.valueOf(m.choice("init", List.of("he", "xavier"), "he").toUpperCase(Locale.ROOT));
    return new Recipe.ModelSpec(name, classes, input, dropout, init);
  }

  private static String zooName(StrictJson.Obj o, String key, String allowed) {
    String name = o.requiredText(key, allowed);
    if (!Zoo.has(name)) throw o.refuse(key, allowed);
    return name.toLowerCase(Locale.ROOT);
  }

  /** "32x32x3" (H x W x C, as summaries print it), "56x300" (a sequence, L x C) or "56" (a vector). */
  private static Shape shape(StrictJson.Obj m) {
    String allowed = "a shape written as the summaries write it: \"32x32x3\" (height x width x channels), or \"56\" for a vector";
    if (!m.get("input").isTextual()) throw m.refuse("input", allowed);
    String[] parts = m.get("input").asText().trim().split("x");
    int[] d = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        d[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw m.refuse("input", allowed);
      }
      if (d[i] < 1) throw m.refuse("input", allowed);
    }
    return switch (d.length) {
      case 1 -> Shape.vector(d[0]);
      case 2 -> new Shape(d[1], d[0]);
      case 3 -> Shape.chw(d[2], d[0], d[1]);
      default -> throw m.refuse("input", allowed);
    };
  }

  private Recipe.DataSpec data(StrictJson.Obj r) {
    String allowed = "a dataset's name (" + String.join(", ", DatasetCatalog.NAMES) + ") or a path";
    if (r.has("data") && r.get("data").isTextual()) return new Recipe.DataSpec(r.requiredText("data", allowed), null);
    StrictJson.Obj d = r.obj("data", List.of("name", "channels", "height", "width", "length"));
    if (d == null) throw r.missing("data", allowed);
    DatasetCatalog.Options o = DatasetCatalog.Options.DEFAULTS;
    return new Recipe.DataSpec(d.requiredText("name", allowed), new DatasetCatalog.Options(d.integer("channels", o.channels(), 1),
        d.integer("height", o.height(), 1), d.integer("width", o.width(), 1), d.integer("length", o.length(), 1)));
  }

  private static Augmentation augmentation(StrictJson.Obj r) {
    StrictJson.Obj a = r.obj("augmentation", List.of("crop_padding", "flip", "translate", "lighting"));
    if (a == null) return Augmentation.NONE;
    return new Augmentation(a.integer("crop_padding", 0, 0), a.bool("flip", false), a.integer("translate", 0, 0),
        (float) a.number("lighting", 0.0, x -> x >= 0, "a number, 0 (off) or more: AlexNet's is 0.1"));
  }

  private static List<String> optimizerKeys(String kind) {
    return switch (kind) {
      case "sgd" -> List.of("name", "learning_rate", "momentum", "nesterov", "weight_decay", "decay_all");
      case "adam", "adamw" -> List.of("name", "learning_rate", "beta1", "beta2", "epsilon", "weight_decay", "decay_all");
      default -> List.of("name", "learning_rate", "alpha", "epsilon", "momentum", "centered", "weight_decay", "decay_all");
    };
  }

  private OptimizerConfig optimizer(StrictJson.Obj r) {
    String allowed = "{\"name\": one of " + String.join(", ", OPTIMIZERS) + ", \"learning_rate\": ..., ...}";
    if (!r.has("optimizer")) throw r.missing("optimizer", allowed);
    if (!r.get("optimizer").isObject()) throw r.refuse("optimizer", allowed);
    String kind = r.peek("optimizer").choice("name", OPTIMIZERS, null);
    StrictJson.Obj o = r.obj("optimizer", optimizerKeys(kind), "the " + kind + " optimizer");
    float lr = (float) o.number("learning_rate", null, x -> x > 0, "a number above 0");
    float decay = (float) o.number("weight_decay", 0.0, x -> x >= 0, "a number, 0 or more");
    OptimizerConfig c = switch (kind) {
      case "sgd" -> OptimizerConfig.sgd(lr, o.fraction("momentum", 0, false), decay);
      case "adam" -> OptimizerConfig.adam(lr, decay);
      case "adamw" -> OptimizerConfig.adamW(lr, decay);
      default -> OptimizerConfig.rmsProp(lr, decay).withMomentum(o.fraction("momentum", 0, false));
    };
    try {
      c = c.withDecayAll(o.bool("decay_all", false));
      switch (kind) {
        case "sgd" -> c = c.withNesterov(o.bool("nesterov", false));
        case "adam", "adamw" -> c = c.withBetas(o.fraction("beta1", OptimizerConfig.BETA1, false), o.fraction("beta2", OptimizerConfig.BETA2, false))
            .withEpsilon(epsilon(o));
        default -> c = c.withAlpha(o.fraction("alpha", OptimizerConfig.ALPHA, false)).withEpsilon(epsilon(o)).withCentered(o.bool("centered", false));
      }
    } catch (IllegalArgumentException e) {
      if (e instanceof RecipeException) throw e;
      throw json.refuse("optimizer", e.getMessage());
    }
    return c;
  }

  private static float epsilon(StrictJson.Obj o) {
    return (float) o.number("epsilon", (double) OptimizerConfig.EPSILON, x -> x > 0, "a number above 0");
  }

  private static List<String> scheduleKeys(String kind) {
    List<String> keys = new ArrayList<>(List.of("name"));
    keys.addAll(switch (kind) {
      case "exponential" -> List.of("gamma");
      case "step" -> List.of("step_size", "gamma");
      case "multi-step" -> List.of("milestones", "gamma");
      case "cosine" -> List.of("epochs", "min_learning_rate");
      case "plateau" -> List.of("factor", "patience", "min_learning_rate", "threshold", "monitor");
      default -> List.of();
    });
    keys.addAll(WARMUP);
    return keys;
  }

  private ScheduleConfig schedule(StrictJson.Obj r) {
    if (!r.has("schedule")) return ScheduleConfig.constant();
    String allowed = "{\"name\": one of " + String.join(", ", SCHEDULES) + ", ...}";
    if (!r.get("schedule").isObject()) throw r.refuse("schedule", allowed);
    String kind = r.peek("schedule").choice("name", SCHEDULES, null);
    StrictJson.Obj s = r.obj("schedule", scheduleKeys(kind), "the " + kind + " schedule");
    String gammaAllowed = "a number in (0, 1]: what the rate is multiplied by (0.1 divides it by 10)";
    float floor = (float) s.number("min_learning_rate", 0.0, x -> x >= 0, "a number, 0 or more");
    ScheduleConfig c = switch (kind) {
      case "exponential" -> ScheduleConfig.exponential((float) s.number("gamma", null, x -> x > 0 && x <= 1, gammaAllowed));
      case "step" -> ScheduleConfig.step(s.integer("step_size", null, 1), (float) s.number("gamma", 0.1, x -> x > 0 && x <= 1, gammaAllowed));
      case "multi-step" -> ScheduleConfig.multiStep(s.increasing("milestones"), (float) s.number("gamma", 0.1, x -> x > 0 && x <= 1, gammaAllowed));
      case "cosine" -> ScheduleConfig.cosine(floor).withCosineEpochs(s.integer("epochs", 0, 0));
      case "plateau" -> ScheduleConfig.plateau((float) s.number("factor", 0.1, x -> x > 0 && x < 1,
              "a number in (0, 1): what the rate is multiplied by on a plateau (0.1 divides it by 10)"), s.integer("patience", 10, 0), floor)
          .withThreshold((float) s.number("threshold", 1e-4, x -> x >= 0 && x < 1, "a number in [0, 1): the relative improvement that counts"))
          .withMonitor(Metric.valueOf(s.choice("monitor", METRICS, "val_accuracy").toUpperCase(Locale.ROOT)));
      default -> ScheduleConfig.constant();
    };
    return c.withWarmup(s.integer("warmup_epochs", 0, 0), (float) s.number("warmup_start_factor", 0.1, x -> x > 0 && x <= 1,
        "a number in (0, 1]: the share of the rate the warm-up starts from"));
  }

  static Map<String, Object> optimizerJson(OptimizerConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.kind().toString());
    m.put("learning_rate", c.learningRate());
    switch (c.kind()) {
      case SGD -> {
        m.put("momentum", c.momentum());
        m.put("nesterov", c.nesterov());
      }
      case ADAM, ADAMW -> {
        m.put("beta1", c.beta1());
        m.put("beta2", c.beta2());
        m.put("epsilon", c.epsilon());
      }
      case RMSPROP -> {
        m.put("alpha", c.alpha());
        m.put("epsilon", c.epsilon());
        m.put("momentum", c.momentum());
        m.put("centered", c.centered());
      }
    }
    m.put("weight_decay", c.weightDecay());
    m.put("decay_all", c.decayAll());
    return m;
  }

  static Map<String, Object> scheduleJson(ScheduleConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.kind().toString());
    switch (c.kind()) {
      case EXPONENTIAL -> m.put("gamma", c.gamma());
      case STEP -> {
        m.put("step_size", c.stepSize());
        m.put("gamma", c.gamma());
      }
      case MULTI_STEP -> {
        m.put("milestones", c.milestones());
        m.put("gamma", c.gamma());
      }
      case COSINE -> {
        m.put("epochs", c.epochs());
        m.put("min_learning_rate", c.minLearningRate());
      }
      case PLATEAU -> {
        m.put("factor", c.gamma());
        m.put("patience", c.patience());
        m.put("min_learning_rate", c.minLearningRate());
        m.put("threshold", c.threshold());
        m.put("monitor", c.monitor().toString());
      }
      case CONSTANT -> { }
    }
    m.put("warmup_epochs", c.warmupEpochs());
    m.put("warmup_start_factor", c.warmupStartFactor());
    return m;
  }
}
