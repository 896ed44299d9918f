package dev.hubel.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.train.Recipe;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The model of RESULTS.md, held against the same layers in PyTorch. */
class FashionCnnTest {
  private static final WorkerPool POOL = new WorkerPool(2);

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

  @Test
  void oneTrainingStepReachesEveryParameter() {
    Model m = Zoo.build("fashion-cnn", new Zoo.Options(4, Shape.chw(3, 32, 32), null)).initialize(Init.HE, 3);
    int n = 4;
    Plan plan = m.compile(n, POOL);
    SplittableRandom rng = new SplittableRandom(7);
    float[] x = plan.input();
    for (int i = 0; i < n * m.inputShape().size(); i++) x[i] = (float) rng.nextGaussian();
    assertThat(plan.trainStep(n, new int[] {0, 1, 2, 3})).isFinite().isPositive();
    for (Param p : m.params()) {
      if (!p.trainable()) continue;
      boolean nonZero = false;
      for (float g : p.grad()) nonZero |= g != 0;
      assertThat(nonZero).as("gradient of %s reaches it", p.name()).isTrue();
    }
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
