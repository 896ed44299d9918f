package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hubel.data.Dataset;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.zoo.LeNet5;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a TrainConfig turns on besides the optimiser: warm-up, label smoothing, clipping, early stopping, the divergence guard. */
class RegularisationAndStabilityTest {
  /** 144 to train in 9 batches of 16, 48 to validate. */
  private static final TrainConfig CFG = new TrainConfig(3, 16, 0.01f, 0.9f, 5e-4f, 1f, 5).withValidation(0.25).withNormalize(true);

  private static Dataset data() {
    return DeterminismTest.quadrants(192, 11);
  }

  private static Model lenet() {
    return LeNet5.build(1, 4).initialize(Init.HE, 2);
  }

  @Test
  void warmUpRaisesTheRateStepByStepAndTheEpochRecordsItsLastStep() {
    TrainConfig cfg = CFG.withSchedule(ScheduleConfig.constant().withWarmup(1, 0.1f));
    List<Float> rates = new ArrayList<>();
    TrainingRun run = new TrainingRun(lenet(), data(), cfg);
    run.listen(new RunListener() {
      @Override
      public void batchEnded(BatchProgress p) {
        rates.add(run.optimizer().learningRate());
      }
    });
    List<EpochResult> r = run.train();
    assertThat(rates).hasSize(27);
    for (int t = 0; t < 9; t++) assertThat(rates.get(t)).as("step %d", t).isCloseTo(0.01f * (0.1f + 0.9f * t / 9), within(1e-9f));
    assertThat(rates.subList(9, 27)).containsOnly(0.01f);
    assertThat(r).extracting(EpochResult::learningRate).containsExactly(rates.get(8), 0.01f, 0.01f);
  }

  /**
   * With ε = 0.5 over 4 classes the target is 0.625 on the label and 0.125 elsewhere: the loss
   * trained on cannot fall below that target's entropy, while the validation loss, plain
   * cross-entropy, can and does.
   */
  @Test
  void labelSmoothingChangesTheLossTrainedOnButNotTheValidationLoss() {
    List<EpochResult> r = new TrainingRun(lenet(), data(), CFG.withLabelSmoothing(0.5f)).train();
    double entropy = -0.625 * Math.log(0.625) - 3 * 0.125 * Math.log(0.125);
    assertThat(r).allSatisfy(e -> assertThat(e.loss()).isGreaterThan(entropy));
    assertThat(r.getLast().validationLoss()).isLessThan(r.getLast().loss()).isGreaterThan(-Math.log(0.625) - 0.05);
    assertThat(r.getLast().validationAccuracy()).isGreaterThan(0.9);
  }

  /** Without momentum each step moves the weights by lr times the clipped gradient: at most lr * limit. */
  @Test
  void clippingBoundsEveryStep() {
    float limit = 1e-3f;
    TrainConfig cfg = CFG.withOptimizer(OptimizerConfig.sgd(0.5f, 0f, 0f)).withClipNorm(limit).withEpochs(1);
    Model clipped = lenet();
    List<float[]> before = values(clipped);
    new TrainingRun(clipped, data(), cfg).train();
    assertThat(distance(before, values(clipped))).isLessThanOrEqualTo(9 * 0.5 * limit * 1.0001).isGreaterThan(0);

    Model free = lenet();
    new TrainingRun(free, data(), cfg.withClipNorm(0)).train();
    assertThat(distance(before, values(free))).as("the limit binds").isGreaterThan(9 * 0.5 * limit * 10);
  }

  @Test
  void earlyStoppingEndsTheRunWhenValidationAccuracyStopsImproving() {
    // a rate too small to move any weight: validation accuracy is the same every epoch, never better than epoch 1's
    List<String> events = new ArrayList<>();
    TrainingRun run = new TrainingRun(lenet(), data(), CFG.withEpochs(20).withEarlyStopping(3))
        .schedule((epoch, history) -> 1e-30f)
        .listen(new RunListener() {
          @Override
          public void epochEnded(EpochEnd end) {
            events.add("epoch " + end.epoch());
          }

          @Override
          public void runEnded(List<EpochResult> history) {
            events.add("ended after " + history.size());
          }
        });
    List<EpochResult> r = run.train();
    assertThat(events).containsExactly("epoch 1", "epoch 2", "epoch 3", "epoch 4", "ended after 4");
    assertThat(r).extracting(EpochResult::validationAccuracy).containsOnly(r.getFirst().validationAccuracy());
    assertThat(run.stoppedEarly()).isTrue();

    // a run resumed from that history stops where it stopped
    TrainingRun again = new TrainingRun(lenet(), data(), CFG.withEpochs(20).withEarlyStopping(3)).resumeAfter(4, 36, r);
    assertThat(again.train()).hasSize(4);
    assertThat(again.stoppedEarly()).isTrue();
  }

  @Test
  void aNonFiniteInputStopsTheRunNamingTheStepAndTheInput() {
    Dataset d = data();
    List<Integer> ended = new ArrayList<>();
    TrainingRun run = new TrainingRun(lenet(), d, CFG.withNormalize(false)).onEpochEnd(end -> ended.add(end.epoch()));
    d.images()[run.split().train()[7] * 1024 + 300] = Float.NaN;
    assertThatThrownBy(run::train).isInstanceOfSatisfying(DivergenceException.class, e -> {
      assertThat(e.layer()).isEqualTo("INPUT");
      assertThat(e.epoch()).isEqualTo(1);
      assertThat(e).hasMessageMatching("training diverged at step [1-9] \\(epoch 1, batch [1-9] of 9\\): the loss is NaN, first at INPUT\\. "
          + "The run stopped before this step changed the weights; the last good checkpoint is the one after epoch 0\\. .*");
    });
    assertThat(ended).isEmpty();
  }

  /** The rate jumps to 1e12 in epoch 2: the weights blow up, the run stops there, and no epoch-2 checkpoint is ever offered. */
  @Test
  void aDivergingEpochNeverEnds() {
    List<Integer> ended = new ArrayList<>();
    boolean[] runEnded = new boolean[1];
    Model m = lenet();
    TrainingRun run = new TrainingRun(m, data(), CFG)
        .schedule((epoch, history) -> epoch == 1 ? 0.01f : 1e12f)
        .listen(new RunListener() {
          @Override
          public void epochEnded(EpochEnd end) {
            ended.add(end.epoch());
          }

          @Override
          public void runEnded(List<EpochResult> history) {
            runEnded[0] = true;
          }
        });
    List<String> names = new ArrayList<>(m.nodes().stream().map(n -> n.name()).toList());
    m.params().forEach(p -> names.add(p.name() + " (its values, from an earlier step)"));
    assertThatThrownBy(run::train).isInstanceOfSatisfying(DivergenceException.class, e -> {
      assertThat(e.epoch()).isEqualTo(2);
      assertThat(e.step()).isBetween(10L, 18L);
      assertThat(names).contains(e.layer());
      assertThat(e).hasMessageContaining("the last good checkpoint is the one after epoch 1. Lower the learning rate (it was 1.0E12)");
    });
    assertThat(ended).containsExactly(1);
    assertThat(runEnded[0]).isFalse();
  }

  /** The gradient scan names the first place, from the output back, that holds a NaN or an infinity. */
  @Test
  void theGradientScanNamesTheLayerNearestTheOutput() {
    Model m = lenet();
    Plan plan = m.compile(2);
    plan.trainStep(2, new int[] {0, 1});
    assertThat(plan.firstNonFiniteGradient(2)).isNull();
    assertThat(plan.firstNonFiniteOutput(2)).isNull();
    Param conv1 = m.params().getFirst();
    conv1.grad()[3] = Float.POSITIVE_INFINITY;
    assertThat(plan.firstNonFiniteGradient(2)).isEqualTo(conv1.name());
    plan.outputGrad()[1] = Float.NaN;
    assertThat(plan.firstNonFiniteGradient(2)).isEqualTo(m.nodes().getLast().name());
    plan.activations(m.nodes().get(2))[0] = Float.NaN;
    assertThat(plan.firstNonFiniteOutput(2)).isEqualTo(m.nodes().get(2).name());
  }

  @Test
  void settingsThatWatchValidationNeedValidationExamples() {
    TrainConfig none = CFG.withValidation(0);
    assertThatThrownBy(() -> new TrainingRun(lenet(), data(), none.withEarlyStopping(2)))
        .hasMessage("early stopping watches validation accuracy, but no examples are held out; set a validation fraction above 0 "
            + "(0.1 holds out a tenth)");
    assertThatThrownBy(() -> new TrainingRun(lenet(), data(), none.withSchedule(ScheduleConfig.plateau(0.1f, 2, 0))))
        .hasMessage("the plateau schedule watches val_accuracy, but no examples are held out; set a validation fraction above 0, "
            + "or watch train_loss");
    new TrainingRun(lenet(), data(), none.withSchedule(ScheduleConfig.plateau(0.1f, 2, 0).withMonitor(Metric.TRAIN_LOSS)));
  }

  private static List<float[]> values(Model m) {
    return m.params().stream().map(p -> p.value().clone()).toList();
  }

  private static double distance(List<float[]> a, List<float[]> b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) for (int j = 0; j < a.get(i).length; j++) s += Math.pow(a.get(i)[j] - b.get(i)[j], 2);
    return Math.sqrt(s);
  }
}
