package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RESULTS.md's ablation is only fair if each recipe of results/ is the fashion-cnn recipe with
 * exactly the one ingredient its name says taken away, and nothing else changed.
 */
class AblationRecipesTest {
  private static final Path RESULTS = Path.of("..", "results");

  static Stream<Arguments> ablations() {
    return Stream.of(
        Arguments.of("fashion-cnn-no-augmentation.json", "augmentation"),
        Arguments.of("fashion-cnn-no-dropout.json", "dropout"),
        Arguments.of("fashion-cnn-no-weight-decay.json", "weight decay"),
        Arguments.of("fashion-cnn-no-schedule.json", "schedule"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ablations")
  void differsFromTheRecipeInItsIngredientOnly(String file, String ingredient) {
    Path path = RESULTS.resolve(file);
    assertThat(path).isRegularFile();
    Recipe base = Recipe.zoo("fashion-cnn");
    Recipe r = Recipe.read(path);
    assertThat(differences(base, r)).as("what %s changes", file).containsExactly(ingredient);

    TrainConfig c = r.toConfig();
    switch (ingredient) {
      case "augmentation" -> assertThat(c.augmentation().isNone()).isTrue();
      case "dropout" -> assertThat(r.model().dropout()).isZero();
      case "weight decay" -> assertThat(c.optimizer().weightDecay()).isZero();
      case "schedule" -> assertThat(c.schedule().kind()).isEqualTo(ScheduleConfig.Kind.CONSTANT);
      default -> throw new AssertionError(ingredient);
    }
  }

  /** Which of the four ingredients differ, and "something else" if anything besides them does. */
  private static List<String> differences(Recipe a, Recipe b) {
    TrainConfig x = a.toConfig(), y = b.toConfig();
    List<String> d = new ArrayList<>();
    if (!x.augmentation().equals(y.augmentation())) d.add("augmentation");
    boolean dropout = !java.util.Objects.equals(a.model().dropout(), b.model().dropout());
    if (dropout) d.add("dropout");
    if (x.optimizer().weightDecay() != y.optimizer().weightDecay()) d.add("weight decay");
    if (!x.schedule().equals(y.schedule())) d.add("schedule");
    OptimizerConfig yOptimizer = y.optimizer().weightDecay() == x.optimizer().weightDecay() ? y.optimizer()
        : new OptimizerConfig(y.optimizer().kind(), y.optimizer().learningRate(), y.optimizer().momentum(), y.optimizer().nesterov(),
            y.optimizer().beta1(), y.optimizer().beta2(), y.optimizer().epsilon(), y.optimizer().alpha(), y.optimizer().centered(),
            x.optimizer().weightDecay(), y.optimizer().decayAll());
    TrainConfig rest = new TrainConfig(y.epochs(), y.batch(), yOptimizer, x.schedule(), y.seed(), y.validationFraction(),
        x.augmentation(), y.normalize(), y.labelSmoothing(), y.clipNorm(), y.earlyStopping());
    boolean modelOtherwise = !a.model().name().equals(b.model().name()) || a.model().init() != b.model().init()
        || !java.util.Objects.equals(a.model().input(), b.model().input()) || !java.util.Objects.equals(a.model().classes(), b.model().classes());
    if (!rest.equals(x) || modelOtherwise || !a.data().equals(b.data())) d.add("something else");
    return d;
  }

  @org.junit.jupiter.api.Test
  void everyRecipeInResultsIsTested() throws java.io.IOException {
    try (Stream<Path> files = Files.list(RESULTS)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")))
          .containsExactlyInAnyOrderElementsOf(ablations().map(a -> (String) a.get()[0]).toList());
    }
  }
}
