package dev.hubel.train;

import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.data.Augmentation;
import dev.hubel.data.Dataset;
import dev.hubel.data.Splits;
import dev.hubel.model.Architecture;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecipeTest {
  @TempDir Path dir;

  /** A small valid recipe that each bad-input row edits in one place. */
  private static final String GOOD = """
      {
        "model": {"name": "lenet5", "init": "he"},
        "data": "fashion-mnist",
        "augmentation": {"crop_padding": 2, "flip": true},
        "optimizer": {"name": "sgd", "learning_rate": 0.01, "momentum": 0.9, "weight_decay": 0.0005},
        "schedule": {"name": "plateau", "factor": 0.1, "patience": 2, "min_learning_rate": 1e-5},
        "epochs": 10,
        "batch": 32,
        "validation": 0.1
      }""";

  static Stream<String> zooNames() {
    return Zoo.names().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zooNames")
  void everyZooModelHasARecipeThatReadsBackAsItself(String model) {
    Recipe r = Recipe.zoo(model);
    assertThat(r.name()).isEqualTo(model);
    assertThat(r.model().name()).isEqualTo(model);
    assertThat(r.description()).isNotBlank();
    assertThat(Recipe.parse(r.toJson(), "again")).isEqualTo(r);
  }

  @Test
  void alexnetGetsTheLecturesRecipe() {
    Recipe r = Recipe.zoo("alexnet");
    TrainConfig c = r.toConfig();
    assertThat(c.batch()).isEqualTo(128);
    assertThat(c.optimizer()).isEqualTo(OptimizerConfig.sgd(0.01f, 0.9f, 5e-4f));
    assertThat(c.schedule().kind()).isEqualTo(ScheduleConfig.Kind.PLATEAU);
    assertThat(c.schedule().gamma()).isEqualTo(0.1f);
    assertThat(c.schedule().monitor()).isEqualTo(Metric.VAL_ACCURACY);
    assertThat(r.model().dropout()).isEqualTo(0.5);
    assertThat(c.augmentation()).isEqualTo(new Augmentation(16, true, 0, 0.1f));
    assertThat(c.validationFraction()).isPositive();
  }

  @Test
  void aRecipeStatesEveryTrainingSetting() {
    Recipe r = Recipe.parse(GOOD, "good.json");
    TrainConfig expected = new TrainConfig(10, 32, OptimizerConfig.sgd(0.01f, 0.9f, 5e-4f), ScheduleConfig.plateau(0.1f, 2, 1e-5f),
        1, 0.1, new Augmentation(2, true, 0), true, 0f, 0f, 0);
    assertThat(r.toConfig()).isEqualTo(expected);
    assertThat(r.name()).isEqualTo("lenet5");
    assertThat(r.data().name()).isEqualTo("fashion-mnist");
    String full = r.toJson();
    assertThat(full).contains("\"label_smoothing\" : 0.0", "\"early_stopping\" : 0", "\"seed\" : 1", "\"threshold\" : 1.0E-4",
        "\"monitor\" : \"val_accuracy\"", "\"lighting\" : 0.0");
    assertThat(Recipe.parse(full, "full.json")).isEqualTo(r);
    assertThat(r.withSeed(7).toConfig().seed()).isEqualTo(7);
    assertThat(r.withData("/tmp/x").data().name()).isEqualTo("/tmp/x");
  }

  @Test
  void readsAFileAndEveryKindOfSetting() throws Exception {
    Path f = dir.resolve("adam.json");
    Files.writeString(f, """
        {"name": "mine", "model": {"name": "resnet20", "classes": 4, "input": "16x16x3", "init": "xavier"},
         "data": {"name": "pictures", "channels": 3, "height": 16, "width": 16},
         "optimizer": {"name": "adamw", "learning_rate": 3e-4, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "weight_decay": 0.05,
                       "decay_all": true},
         "schedule": {"name": "cosine", "epochs": 20, "min_learning_rate": 1e-6, "warmup_epochs": 2, "warmup_start_factor": 0.01},
         "epochs": 30, "batch": 64, "seed": -3, "normalize": false, "label_smoothing": 0.1, "clip_norm": 5, "validation": 0.2,
         "early_stopping": 4}""");
    Recipe r = Recipe.read(f);
    assertThat(r.model()).isEqualTo(new Recipe.ModelSpec("resnet20", 4, Shape.chw(3, 16, 16), null, Init.XAVIER));
    assertThat(r.data().options().height()).isEqualTo(16);
    TrainConfig c = r.toConfig();
    assertThat(c.optimizer()).isEqualTo(OptimizerConfig.adamW(3e-4f, 0.05f).withBetas(0.8f, 0.99f).withEpsilon(1e-6f).withDecayAll(true));
    assertThat(c.schedule()).isEqualTo(ScheduleConfig.cosine(1e-6f).withCosineEpochs(20).withWarmup(2, 0.01f));
    assertThat(c).extracting(TrainConfig::seed, TrainConfig::normalize, TrainConfig::labelSmoothing, TrainConfig::clipNorm,
        TrainConfig::earlyStopping).containsExactly(-3L, false, 0.1f, 5f, 4);
    assertThat(Recipe.parse(r.toJson(), "again")).isEqualTo(r);
    for (String s : List.of("{\"name\": \"rmsprop\", \"learning_rate\": 0.01, \"alpha\": 0.9, \"momentum\": 0.5, \"centered\": true}",
        "{\"name\": \"sgd\", \"learning_rate\": 0.1, \"momentum\": 0.9, \"nesterov\": true}")) {
      Recipe o = Recipe.parse(GOOD.replaceFirst("\"optimizer\": \\{[^}]*}", "\"optimizer\": " + s), "o.json");
      assertThat(Recipe.parse(o.toJson(), "again")).isEqualTo(o);
    }
  }

  private static Arguments row(String what, String from, String to, String message) {
    return Arguments.of(what, from, to, message);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        row("an unknown key", "\"epochs\": 10", "\"epochs\": 10, \"optimiser\": \"sgd\"",
            "bad.json: optimiser is not a setting of a recipe (its value is \"sgd\"); the settings are name, description, model, data, "
                + "augmentation, normalize, optimizer, schedule, epochs, batch, seed, validation, label_smoothing, clip_norm, early_stopping"),
        row("a setting another optimiser has", "\"momentum\": 0.9,", "\"momentum\": 0.9, \"beta1\": 0.9,",
            "bad.json: optimizer.beta1 is not a setting of the sgd optimizer (its value is 0.9); the settings are name, learning_rate, "
                + "momentum, nesterov, weight_decay, decay_all"),
        row("an unknown key in the augmentation", "\"flip\": true", "\"flip\": true, \"rotate\": 10",
            "bad.json: augmentation.rotate is not a setting of augmentation (its value is 10); the settings are crop_padding, flip, "
                + "translate, lighting"),
        row("a negative learning rate", "\"learning_rate\": 0.01", "\"learning_rate\": -0.1",
            "bad.json: optimizer.learning_rate is -0.1; it must be a number above 0"),
        row("dropout 1.5", "{\"name\": \"lenet5\", \"init\": \"he\"}", "{\"name\": \"alexnet\", \"dropout\": 1.5}",
            "bad.json: model.dropout is 1.5; it must be a number in [0, 1)"),
        row("epochs as text", "\"epochs\": 10", "\"epochs\": \"ten\"", "bad.json: epochs is \"ten\"; it must be a whole number, 1 or more"),
        row("a fractional batch", "\"batch\": 32", "\"batch\": 32.5", "bad.json: batch is 32.5; it must be a whole number, 1 or more"),
        row("no epochs", "\"epochs\": 10,", "", "bad.json: epochs is missing; it must be a whole number, 1 or more"),
        row("momentum 1", "\"momentum\": 0.9", "\"momentum\": 1", "bad.json: optimizer.momentum is 1; it must be a number in [0, 1)"),
        row("a learning rate as text", "\"learning_rate\": 0.01", "\"learning_rate\": \"0.01\"",
            "bad.json: optimizer.learning_rate is \"0.01\"; it must be a number above 0"),
        row("no learning rate", "\"learning_rate\": 0.01,", "", "bad.json: optimizer.learning_rate is missing; it must be a number above 0"),
        row("an unknown optimiser", "\"name\": \"sgd\"", "\"name\": \"adagrad\"",
            "bad.json: optimizer.name is \"adagrad\"; it must be one of sgd, adam, adamw, rmsprop"),
        row("Nesterov without momentum", "\"momentum\": 0.9", "\"momentum\": 0, \"nesterov\": true",
            "bad.json: optimizer: Nesterov momentum needs a momentum above 0, received 0.0"),
        row("an unknown model", "\"lenet5\"", "\"lenet6\"", "bad.json: model.name is \"lenet6\"; it must be a zoo model: alexnet, "),
        row("an unknown init", "\"init\": \"he\"", "\"init\": \"zeros\"", "bad.json: model.init is \"zeros\"; it must be one of he, xavier"),
        row("a shape that is not one", "\"init\": \"he\"", "\"input\": \"32 by 32\"",
            "bad.json: model.input is \"32 by 32\"; it must be a shape written as the summaries write it: \"32x32x3\""),
        row("no data", "\"data\": \"fashion-mnist\",", "",
            "bad.json: data is missing; it must be a dataset's name (fashion-mnist, mnist, cifar10, cifar100) or a path"),
        row("data as a number", "\"data\": \"fashion-mnist\"", "\"data\": 7",
            "bad.json: data is 7; it must be an object {...} with the settings name, channels, height, width, length"),
        row("a plateau factor of 1", "\"factor\": 0.1", "\"factor\": 1",
            "bad.json: schedule.factor is 1; it must be a number in (0, 1): what the rate is multiplied by on a plateau"),
        row("an unknown monitor", "\"patience\": 2", "\"patience\": 2, \"monitor\": \"accuracy\"",
            "bad.json: schedule.monitor is \"accuracy\"; it must be one of val_accuracy, val_loss, train_accuracy, train_loss"),
        row("a negative patience", "\"patience\": 2", "\"patience\": -1", "bad.json: schedule.patience is -1; it must be a whole number, 0 or more"),
        row("a step schedule's setting on a plateau", "\"patience\": 2", "\"patience\": 2, \"step_size\": 30",
            "bad.json: schedule.step_size is not a setting of the plateau schedule (its value is 30); the settings are name, factor, patience, "
                + "min_learning_rate, threshold, monitor, warmup_epochs, warmup_start_factor"),
        row("milestones out of order", "{\"name\": \"plateau\", \"factor\": 0.1, \"patience\": 2, \"min_learning_rate\": 1e-5}",
            "{\"name\": \"multi-step\", \"milestones\": [60, 30]}",
            "bad.json: schedule.milestones is [60,30]; it must be a list of epochs, whole numbers from 1 up, each above the one before"),
        row("a plateau with nothing to watch", "\"validation\": 0.1", "\"validation\": 0",
            "bad.json: schedule.monitor: the plateau schedule watches val_accuracy, which needs validation examples; set validation above 0"),
        row("early stopping with nothing to watch", "\"validation\": 0.1",
            "\"validation\": 0, \"early_stopping\": 3",
            "bad.json: early_stopping is 3; it must be 0 when validation is 0: early stopping watches validation accuracy"),
        row("validation 1", "\"validation\": 0.1", "\"validation\": 1",
            "bad.json: validation is 1; it must be a number in [0, 1): the share of the training set held out"),
        row("label smoothing 1", "\"validation\": 0.1", "\"validation\": 0.1, \"label_smoothing\": 1.0",
            "bad.json: label_smoothing is 1.0; it must be a number in [0, 1)"),
        row("negative lighting", "\"flip\": true", "\"flip\": true, \"lighting\": -0.1",
            "bad.json: augmentation.lighting is -0.1; it must be a number, 0 (off) or more: AlexNet's is 0.1"),
        row("a flip that is not true or false", "\"flip\": true", "\"flip\": 1", "bad.json: augmentation.flip is 1; it must be true or false"),
        row("a fractional seed", "\"batch\": 32", "\"batch\": 32, \"seed\": 1.5", "bad.json: seed is 1.5; it must be a whole number"),
        row("a key given twice", "\"batch\": 32", "\"batch\": 32, \"batch\": 64", "bad.json: is not valid JSON: Duplicate field 'batch'"),
        row("not JSON", "\"batch\": 32", "\"batch\": 32,,", "bad.json: is not valid JSON: Unexpected character (','"),
        row("not an object", GOOD, "[1, 2]", "bad.json: a recipe is a JSON object ({\"model\": ..., \"data\": ..., ...}); received [1,2]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refused(String what, String from, String to, String message) {
    assertThat(GOOD).contains(from);
    String bad = GOOD.replace(from, to);
    assertThatThrownBy(() -> Recipe.parse(bad, "bad.json")).isInstanceOf(RecipeException.class).hasMessageStartingWith(message);
  }

  @Test
  void buildsTheModelForTheData() {
    Dataset train = new Dataset("shirts", Shape.chw(1, 28, 28), new float[3 * 784], new int[3], new String[] {"a", "b", "c"});
    Recipe r = Recipe.parse(GOOD, "good.json");
    Model m = r.buildModel(new Splits(train, train));
    assertThat(m.inputShape()).isEqualTo(Shape.chw(1, 28, 28));
    assertThat(m.outputShape().size()).isEqualTo(3);
    assertThat(m.classNames()).containsExactly("a", "b", "c");
    Model again = r.buildModel(new Splits(train, train));
    assertThat(again.params().getFirst().value()).as("initialised from the recipe's seed").containsExactly(m.params().getFirst().value());

    Recipe dropped = Recipe.parse(GOOD.replace("\"init\": \"he\"", "\"dropout\": 0.3"), "d.json");
    assertThatThrownBy(() -> dropped.buildModel(new Splits(train, train)))
        .isInstanceOf(RecipeException.class)
        .hasMessage("lenet5: model.dropout is 0.3, but lenet5 has no dropout layer; leave model.dropout out");
  }

  @Test
  void setsEveryDropoutLayersRate() {
    Model m = Model.of("net", dense(dropout(relu(dense(dropout(relu(dense(input(1, 4, 4), 8)), 0.5), 8)), 0.5), 2));
    Model changed = Recipe.parse(GOOD, "good.json").withDropout(m, 0.2);
    List<Object> rates = Architecture.describe(changed).stream().filter(l -> "dropout".equals(l.get("op"))).map(l -> l.get("p")).toList();
    assertThat(rates).containsExactly(0.2, 0.2);
    assertThat(changed.name()).isEqualTo("net");
    assertThat(changed.nodes()).extracting(n -> n.name()).containsExactlyElementsOf(m.nodes().stream().map(n -> n.name()).toList());
  }

  @Test
  void theZooRefusesAModelItDoesNotHave() {
    assertThatThrownBy(() -> Recipe.zoo("lenet6")).hasMessageStartingWith("the zoo has no recipe for 'lenet6'; it has one for each of: alexnet, ");
  }

  @Test
  void aRecipeTrains() {
    Dataset quads = DeterminismTest.quadrants(64, 3);
    Recipe r = Recipe.parse(GOOD.replace("\"epochs\": 10", "\"epochs\": 1").replace("\"flip\": true", "\"flip\": false"), "quick.json");
    Splits s = new Splits(quads, quads);
    List<EpochResult> history = new TrainingRun(r.buildModel(s), quads, r.toConfig()).train();
    assertThat(history).hasSize(1).allMatch(EpochResult::hasValidation);
    assertThat(Map.of("lr", history.getFirst().learningRate())).containsEntry("lr", 0.01f);
  }
}
