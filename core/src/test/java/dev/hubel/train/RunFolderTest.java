package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.data.Augmentation;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.zoo.LeNet5;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

  @TempDir
  Path runs;

  private static final TrainConfig CFG = new TrainConfig(2, 32, 0.01f, 0.9f, 5e-4f, 0.5f, 3)
      .withValidation(0.25).withAugmentation(new Augmentation(1, false, 0)).withNormalize(true);

  private static List<EpochResult> train(RunFolder folder) {
    Model m = LeNet5.build(1, 4).initialize(Init.HE, 1);
    return new TrainingRun(m, DeterminismTest.quadrants(128, 4), CFG).listen(folder).train();
  }

  @Test
  void keepsTheRecipeThatReproducesTheRun() throws IOException {
    RunFolder folder = RunFolder.create(runs, "recipe");
    Recipe r = Recipe.zoo("lenet5");
    folder.writeRecipe(r);
    assertThat(Recipe.read(runs.resolve("recipe/recipe.json"))).isEqualTo(r);
    folder.writeRecipe(r.withSeed(9));  // a resumed run keeps the recipe it started with
    assertThat(Recipe.read(runs.resolve("recipe/recipe.json"))).isEqualTo(r);
  }

  @Test
  void aRunLeavesItsSettingsItsMetricsAndAChart() throws IOException {
    RunFolder folder = RunFolder.create(runs, "first");
    List<EpochResult> history = train(folder);

    List<String> lines = Files.readAllLines(runs.resolve("first/metrics.csv"));
    assertThat(lines).containsExactly(RunFolder.HEADER, RunFolder.row(history.get(0)), RunFolder.row(history.get(1)));
    assertThat(lines.get(0)).isEqualTo("epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,images_per_second,seconds");
    assertThat(folder.history()).as("metrics.csv reads back to the same numbers").isEqualTo(history);

    JsonNode settings = new ObjectMapper().readTree(runs.resolve("first/run.json").toFile());
    assertThat(settings.path("name").asText()).isEqualTo("first");
    assertThat(settings.path("model").asText()).isEqualTo("LeNet-5");
    assertThat(settings.path("data").path("classes")).hasSize(4);
    assertThat(settings.path("split").path("validation").asInt()).isEqualTo(32);
    assertThat(settings.path("config").path("epochs").asInt()).isEqualTo(2);
    assertThat(settings.path("config").path("augmentation").path("crop_padding").asInt()).isEqualTo(1);
    assertThat(settings.path("normalization").path("mean")).hasSize(1);

    assertThat(folder.chartProblem()).isNull();
    BufferedImage chart = ImageIO.read(runs.resolve("first/chart.png").toFile());
    assertThat(chart.getWidth()).isEqualTo(900);
    assertThat(chart.getHeight()).isEqualTo(700);
    try (var files = Files.list(runs.resolve("first"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("run.json", "metrics.csv", "chart.png");
    }
  }

  @Test
  void aRowWithoutValidationLeavesItsColumnsEmpty() {
    assertThat(RunFolder.row(new EpochResult(3, 5, 0.25, 0.5, Double.NaN, Double.NaN, 0.1f, 1000.5, 2.0)))
        .isEqualTo("3,0.25,0.5,,,0.1,1000.5,2.0");
  }

  @Test
  void neverOverwritesAFolder() {
    RunFolder.create(runs, "taken");
    assertThatThrownBy(() -> RunFolder.create(runs, "taken"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(runs.resolve("taken") + " already exists, and a run's folder is never overwritten; "
            + "choose another name, or resume that run");
    assertThatThrownBy(() -> RunFolder.create(runs, "../escape"))
        .hasMessage("run name '../escape' must be letters, digits, '.', '_' or '-', starting with a letter or digit "
            + "(it names a folder under " + runs + ")");
  }

  @Test
  void namesARunAfterItsModelAndTheTime() {
    assertThat(RunFolder.defaultName("LeNet-5", LocalDateTime.of(2025, 3, 1, 14, 25, 1))).isEqualTo("lenet-5-20250301-142501");
    assertThat(RunFolder.defaultName("My Net (small)", LocalDateTime.of(2025, 3, 1, 14, 25, 1))).isEqualTo("my-net-small-20250301-142501");
    Model m = LeNet5.build();
    RunFolder a = RunFolder.create(runs, m), b = RunFolder.create(runs, m);
    assertThat(a.dir()).isNotEqualTo(b.dir());
    assertThat(a.name()).startsWith("lenet-5-");
    assertThat(b.dir()).isDirectory();
  }

  @Test
  void resumingDropsTheRowsOfEpochsAfterTheCheckpoint() throws IOException {
    RunFolder folder = RunFolder.create(runs, "long");
    List<EpochResult> history = train(folder);
    RunFolder again = RunFolder.resume(runs.resolve("long"), 1);
    assertThat(Files.readAllLines(runs.resolve("long/metrics.csv"))).containsExactly(RunFolder.HEADER, RunFolder.row(history.get(0)));
    assertThat(again.history()).containsExactly(history.get(0));
    assertThatThrownBy(() -> RunFolder.resume(runs.resolve("long"), 2))
        .hasMessage(runs.resolve("long/metrics.csv") + " has 1 epochs up to epoch 2; it cannot be continued after epoch 2");
    assertThatThrownBy(() -> RunFolder.resume(runs, 0))
        .hasMessage(runs + " is not a run's folder: it has no metrics.csv");
  }
}
