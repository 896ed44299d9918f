package dev.hubel.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.train.Recipe;
import org.junit.jupiter.api.Test;

/** The model of RESULTS.md, held against the same layers in PyTorch. */
class FashionCnnTest {
  /**
   * PyTorch, with cbr(i, o) = [Conv2d(i, o, 3, padding=1, bias=False), BatchNorm2d(o), ReLU]:
   * cbr(1, 32), MaxPool2d(2), cbr(32, 64), cbr(64, 64), MaxPool2d(2), cbr(64, 128), MaxPool2d(2),
   * Flatten, Dropout, Linear(1152, 256), ReLU, Dropout, Linear(256, 10):
   * sum(p.numel() for p in m.parameters()) is 427,626.
   */
  @Test
  void hasAsManyParametersAsTheSameLayersInPyTorch() {
    Model m = Zoo.build("fashion-cnn");
    assertThat(m.paramCount()).isEqualTo(427_626);
    assertThat(m.inputShape()).isEqualTo(Shape.chw(1, 28, 28));
    assertThat(m.outputShape()).isEqualTo(Shape.vector(10));
    assertThat(m.summary()).contains("[3x3x128]   MAX POOL3").contains("1152*256 + 256 = 295,168");
  }

  /** RESULTS.md takes each of these away in turn, so the recipe must have every one. */
  @Test
  void theRecipeHasEachIngredientTheAblationRemoves() {
    Recipe r = Recipe.zoo("fashion-cnn");
    var c = r.toConfig();
    assertThat(c.augmentation()).isEqualTo(new dev.hubel.data.Augmentation(0, true, 0));
    assertThat(Zoo.build("fashion-cnn").summary()).contains("dropout 0.25").contains("dropout 0.5");
    assertThat(c.optimizer().weightDecay()).isEqualTo(5e-4f);
    assertThat(c.schedule().kind()).isEqualTo(dev.hubel.train.ScheduleConfig.Kind.COSINE);
  }

  @Test
  void anInputTooSmallForThreePoolsIsRefusedNamingTheLayer() {
    assertThatThrownBy(() -> Zoo.build("fashion-cnn", new Zoo.Options(10, Shape.chw(1, 6, 6), null)))
        .isInstanceOf(ShapeException.class).hasMessageContaining("POOL3");
  }
}
