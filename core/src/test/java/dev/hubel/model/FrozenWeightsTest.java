package dev.hubel.model;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Param;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A plan whose weights are frozen for inference makes a Winograd layer's transformed weights
 * once and trusts them (no comparison with the weights each pass) until told the weights changed,
 * and refuses training passes until thawed.
 */
class FrozenWeightsTest {
  private static final WorkerPool POOL = new WorkerPool(2);
  private static final int BATCH = 6;  // 64 channels on 17x17 over 6 images: Winograd (ConvPathsTest's case)

  private static Model model(Random rnd) {
    Model model = Model.of("frozen", conv2d(input(64, 17, 17), 64, 3, 3, 1, 1, Fit.EXACT, true));
    for (Param p : model.params()) {
      float[] v = p.value();
      for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() - 0.5f;
    }
    return model;
  }

  private static float[] run(Plan plan, float[] x) {
    System.arraycopy(x, 0, plan.input(), 0, x.length);
    plan.forward(BATCH, false);
    return plan.output().clone();
  }

  private static void scaleWeights(Model model, float by) {
    float[] w = model.params().get(0).value();
    for (int i = 0; i < w.length; i++) w[i] *= by;
  }

  @Test
  void aFrozenPlanTrustsItsTransformedWeightsUntilToldTheyChanged() {
    Random rnd = new Random(11);
    Model model = model(rnd);
    float[] x = new float[BATCH * 64 * 17 * 17];
    for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() - 0.5f;
    Plan plan = model.compile(BATCH, POOL);
    float[] before = run(plan, x);

    plan.freezeWeights(false);  // NCHW steps alone: the same bits (channels-last: ChannelsLastFrontTest)
    assertThat(plan.weightsFrozen()).isTrue();
    assertThat(run(plan, x)).as("frozen, the same weights give the same bits").isEqualTo(before);

    scaleWeights(model, 0.5f);
    // the documented contract: a change in place goes unseen until weightsChanged (which is how
    // this test knows the frozen pass skipped the comparison that an unfrozen pass makes)
    assertThat(run(plan, x)).as("frozen, weights changed but not said").isEqualTo(before);
    plan.weightsChanged();
    float[] after = run(plan, x);
    assertThat(after).as("after weightsChanged, the new weights' output").isEqualTo(run(model.compile(BATCH, POOL), x));
    assertThat(after).isNotEqualTo(before);

    plan.thawWeights();
    scaleWeights(model, 2f);
    assertThat(run(plan, x)).as("thawed, every pass checks the weights again").isEqualTo(before);
  }

  @Test
  void aFrozenPlanRefusesTrainingUntilThawed() {
    Model model = model(new Random(5));
    Plan plan = model.compile(BATCH, POOL).freezeWeights();
    int[] labels = new int[BATCH];
    assertThatThrownBy(() -> plan.forward(BATCH, true))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("frozen").hasMessageContaining("thawWeights()");
    assertThatThrownBy(() -> plan.trainStep(BATCH, labels)).isInstanceOf(IllegalStateException.class);
    plan.thawWeights();
    assertThat(plan.weightsFrozen()).isFalse();
    plan.forward(BATCH, true);  // runs
  }
}
