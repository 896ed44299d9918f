package dev.hubel.io;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.data.Dataset;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.train.EpochResult;
import dev.hubel.train.Optimizer;
import dev.hubel.train.OptimizerConfig;
import dev.hubel.train.ScheduleConfig;
import dev.hubel.train.TrainingRun;
import dev.hubel.train.Sgd;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.TrainingState;
import dev.hubel.zoo.LeNet5;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  /** Momentum and a decaying learning rate, so that a resume that lost either would drift. */
  private static final TrainConfig CONFIG = new TrainConfig(4, 8, 0.05f, 0.9f, 5e-4f, 0.5f, 7);

  @TempDir Path dir;

  private static Model tiny() {
    Node x = input(1, 8, 8);              // [8x8x1]
    x = relu(conv2d(x, 4, 3, 1, 0));      // [6x6x4]
    x = maxPool(x, 2, 2);                 // [3x3x4]
    return Model.of("tiny", dense(x, 3)); // [3]
  }

  /** 44 noisy examples in 3 classes: 5 full batches of 8 and a partial one of 4. */
  private static Dataset data() {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 44;
    float[] x = new float[n * 64];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(3);
      for (int j = 0; j < 64; j++) x[i * 64 + j] = (float) rng.nextGaussian() + (j % 3 == y[i] ? 1 : 0);
    }
    return new Dataset("noise", Shape.chw(1, 8, 8), x, y, new String[] {"a", "b", "c"});
  }

  /**
   * Epochs {@code from..to} as a training loop runs them. Each epoch's order comes from (seed,
   * epoch) alone, so a resumed run needs no generator state to shuffle as the first run would have.
   */
  private static void train(Plan plan, Optimizer sgd, Dataset data, int from, int to) {
    int[] order = new int[data.size()];
    int[] labels = new int[CONFIG.batch()];
    for (int epoch = from; epoch <= to; epoch++) {
      shuffle(order, epochRandom(CONFIG.seed(), epoch));
      sgd.setLearningRate(CONFIG.learningRateAt(epoch));
      for (int at = 0; at < order.length; at += CONFIG.batch()) {
        int n = Math.min(CONFIG.batch(), order.length - at);
        data.copyBatch(order, at, n, plan.input(), labels);
        plan.trainStep(n, labels);
        sgd.step();
      }
    }
  }

  private static SplittableRandom epochRandom(long seed, int epoch) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
  }

  private static void shuffle(int[] order, SplittableRandom rng) {
    for (int i = 0; i < order.length; i++) order[i] = i;
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  private static Plan plan(Model m, long iteration) {
    Plan plan = m.compile(CONFIG.batch());
    plan.setNoiseSeed(CONFIG.seed());
    plan.setIteration(iteration);
    return plan;
  }

  private static Sgd sgd(Model m) {
    return new Sgd(m.params(), CONFIG.learningRate(), CONFIG.momentum(), CONFIG.weightDecay());
  }

  @Test
  void resumingFromACheckpointEndsBitIdenticalToAnUninterruptedRun() {
    Dataset data = data();
    Model straight = tiny().initialize(Init.HE, 1);
    Plan straightPlan = plan(straight, 0);
    train(straightPlan, sgd(straight), data, 1, 4);

    Model first = tiny().initialize(Init.HE, 1);
    Plan firstPlan = plan(first, 0);
    Sgd firstSgd = sgd(first);
    train(firstPlan, firstSgd, data, 1, 2);
    Path file = dir.resolve("epoch-2.safetensors");
    Checkpoint.save(file, first, firstSgd, new TrainingState(CONFIG, 2, firstPlan.iteration(), firstSgd.learningRate()));

    Checkpoint.Loaded loaded = Checkpoint.load(file);
    TrainingState state = loaded.state();
    assertThat(state.epoch()).isEqualTo(2);
    assertThat(state.iteration()).isEqualTo(12);  // 6 batches an epoch
    Model resumed = loaded.model();
    assertThat(resumed).isNotSameAs(first);
    Plan resumedPlan = plan(resumed, state.iteration());
    train(resumedPlan, loaded.optimizer(), data, state.epoch() + 1, state.config().epochs());

    assertThat(resumedPlan.iteration()).isEqualTo(straightPlan.iteration());
    for (int i = 0; i < straight.params().size(); i++) {
      Param p = straight.params().get(i);
      assertThat(Arrays.equals(resumed.params().get(i).value(), p.value())).as("%s bit-identical", p.name()).isTrue();
    }

    // the comparison can fail: the same resume without the optimiser's velocities ends elsewhere
    Model forgetful = Checkpoint.load(file).model();
    train(plan(forgetful, state.iteration()), sgd(forgetful), data, 3, 4);
    assertThat(Arrays.equals(forgetful.params().get(0).value(), straight.params().get(0).value())).isFalse();
  }

  /**
   * A TrainingRun with Adam, a warmed-up cosine schedule, label smoothing and clipping, stopped
   * after epoch 1 and resumed from its checkpoint, ends bit for bit where the uninterrupted run does.
   */
  @Test
  void anAdamRunResumedFromItsCheckpointEndsBitIdenticalToAnUninterruptedOne() {
    TrainConfig cfg = new TrainConfig(3, 8, 0.01f, 0f, 0f, 1f, 7).withValidation(0.25)
        .withOptimizer(OptimizerConfig.adam(0.01f, 1e-3f)).withSchedule(ScheduleConfig.cosine(0).withWarmup(1, 0.2f))
        .withLabelSmoothing(0.1f).withClipNorm(2f);
    Dataset data = data();
    Model whole = tiny().initialize(Init.HE, 1);
    List<EpochResult> uninterrupted = new TrainingRun(whole, data, cfg).train();

    Path file = dir.resolve("adam.safetensors");
    List<EpochResult> saved = new ArrayList<>();
    class Interrupted extends RuntimeException {}
    assertThatThrownBy(() -> new TrainingRun(tiny().initialize(Init.HE, 1), data, cfg).onEpochEnd(end -> {
      Checkpoint.save(file, end.model(), end.optimizer(),
          new TrainingState(cfg, end.epoch(), end.iteration(), end.optimizer().learningRate()));
      saved.addAll(end.history());
      throw new Interrupted();
    }).train()).isInstanceOf(Interrupted.class);

    Checkpoint.Loaded loaded = Checkpoint.load(file);
    assertThat(loaded.optimizerConfig().kind()).isEqualTo(OptimizerConfig.Kind.ADAM);
    assertThat(loaded.optimizerState()).containsOnlyKeys("exp_avg", "exp_avg_sq");
    assertThat(loaded.optimizerSteps()).isEqualTo(loaded.state().iteration()).isEqualTo(5);
    TrainingRun resumed = new TrainingRun(loaded.model(), data, loaded.state().config());
    loaded.restoreInto(resumed.optimizer());
    List<EpochResult> rest = resumed.resumeAfter(loaded.state().epoch(), loaded.state().iteration(), saved).train();

    for (int i = 0; i < whole.params().size(); i++) {
      Param p = whole.params().get(i);
      assertThat(Arrays.equals(loaded.model().params().get(i).value(), p.value())).as("%s bit-identical", p.name()).isTrue();
    }
    assertThat(rest).extracting(EpochResult::loss).containsExactlyElementsOf(uninterrupted.stream().map(EpochResult::loss).toList());

    // the comparison can fail: the same resume with Adam's moments and step count lost ends elsewhere
    Checkpoint.Loaded again = Checkpoint.load(file);
    new TrainingRun(again.model(), data, cfg).resumeAfter(1, again.state().iteration(), saved).train();
    assertThat(Arrays.equals(again.model().params().get(0).value(), whole.params().get(0).value())).isFalse();
  }

  @Test
  void holdsWeightsVelocitiesStateAndWhatTheModelFileHolds() {
    Model m = LeNet5.build(1, 4).initialize(Init.HE, 5).setClassNames(List.of("a", "b", "c", "d"));
    Sgd sgd = new Sgd(m.params(), 0.01f, 0.9f, 5e-4f);
    for (float[] v : sgd.velocities()) for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i + v.length);
    TrainingState state = new TrainingState(new TrainConfig(10, 32, 0.01f, 0.9f, 5e-4f, 0.3f, 42), 3, 5625, 0.0009f);
    Path file = dir.resolve("lenet.ckpt.safetensors");
    Checkpoint.save(file, m, sgd, state);

    Checkpoint.Loaded loaded = Checkpoint.load(file);
    assertThat(loaded.state()).isEqualTo(state);
    assertThat(loaded.model().classNames()).containsExactly("a", "b", "c", "d");
    assertThat(loaded.velocities()).hasSize(sgd.velocities().size());
    for (int i = 0; i < sgd.velocities().size(); i++) assertThat(loaded.velocities().get(i)).isEqualTo(sgd.velocities().get(i));
    for (int i = 0; i < m.params().size(); i++) assertThat(loaded.model().params().get(i).value()).isEqualTo(m.params().get(i).value());
    assertThat(loaded.optimizer().learningRate()).isEqualTo(0.0009f);
    assertThat(loaded.optimizer().state("velocity").get(3)).isEqualTo(sgd.velocities().get(3));

    try (SafeTensors st = SafeTensors.open(file)) {
      assertThat(st.info("optimizer.velocity.CONV1.weight").shape()).containsExactly(6, 1, 5, 5);
      assertThat(st.metadata().get("format")).isEqualTo("hubel-checkpoint");
      assertThat(st.metadata().get("training_state")).contains("\"epoch\":3").contains("\"iteration\":5625");
    }
    // a checkpoint is a model file too: predict from it directly
    assertThat(ModelFile.load(file).params().get(0).value()).isEqualTo(m.params().get(0).value());
  }

  @Test
  void trainingStateNumbersComeBackBitExact() {
    SplittableRandom rng = new SplittableRandom(9);
    for (int k = 0; k < 50; k++) {
      float lr = Float.intBitsToFloat(1 + rng.nextInt(0x7f7fffff));      // any positive finite float
      float momentum = rng.nextFloat();
      float decay = Float.intBitsToFloat(rng.nextInt(0x7f800000));
      float lrDecay = Math.max(Float.MIN_VALUE, 1 - rng.nextFloat());
      TrainConfig cfg = new TrainConfig(1 + rng.nextInt(100), 1 + rng.nextInt(512), lr, momentum, decay, lrDecay, rng.nextLong());
      TrainingState state = new TrainingState(cfg, rng.nextInt(100), rng.nextLong(Long.MAX_VALUE), lr);
      Path file = dir.resolve("state.safetensors");
      Model m = tiny();
      Checkpoint.save(file, m, new Sgd(m.params(), 1f, 0f, 0f), state);
      assertThat(Checkpoint.load(file).state()).isEqualTo(state);
    }
  }

  @Test
  void anOptimiserOverAnotherModelIsRefused() {
    Model m = tiny();
    Sgd other = new Sgd(tiny().params(), 0.1f, 0.9f, 0f);
    assertThatThrownBy(() -> Checkpoint.save(dir.resolve("x"), m, other, new TrainingState(CONFIG, 1, 6, 0.1f)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the optimiser does not move the parameters of tiny");
  }
}
