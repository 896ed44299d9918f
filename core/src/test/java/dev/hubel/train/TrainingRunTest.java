package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.data.Augmentation;
import dev.hubel.data.ChannelStatistics;
import dev.hubel.data.Dataset;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Normalization;
import dev.hubel.tensor.Param;
import dev.hubel.zoo.LeNet5;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingRunTest {

  /** Quadrants images shifted and scaled, so that normalising them matters. */
  private static Dataset data() {
    Dataset q = DeterminismTest.quadrants(192, 11);
    float[] x = q.images().clone();
    for (int i = 0; i < x.length; i++) x[i] = 3 * x[i] + 5;
    return new Dataset("bright quadrants", q.shape(), x, q.labels(), q.classNames());
  }

  private static final TrainConfig CFG = new TrainConfig(3, 16, 0.01f, 0.9f, 5e-4f, 0.7f, 5)
      .withValidation(0.25).withAugmentation(new Augmentation(2, false, 1)).withNormalize(true);  // no flip: it would swap the quadrants' classes

  private static float[][] weights(Model m) {
    List<Param> ps = m.params();
    float[][] w = new float[ps.size()][];
    for (int i = 0; i < w.length; i++) w[i] = ps.get(i).value().clone();
    return w;
  }

  @Test
  void validatesEveryEpochOnTheHeldOutExamplesAndLearns() {
    Model m = LeNet5.build(1, 4).initialize(Init.HE, 2);
    TrainingRun run = new TrainingRun(m, data(), CFG.withEpochs(4));
    assertThat(run.split().validation()).hasSize(48);
    List<EpochResult> epochs = run.train();
    assertThat(epochs).hasSize(4).allMatch(EpochResult::hasValidation);
    assertThat(epochs).extracting(EpochResult::learningRate).containsExactly(0.01f, CFG.learningRateAt(2), CFG.learningRateAt(3), CFG.learningRateAt(4));
    assertThat(CFG.learningRateAt(3)).isCloseTo(0.0049f, org.assertj.core.api.Assertions.within(1e-9f));
    assertThat(epochs.get(3).loss()).isLessThan(epochs.get(0).loss() / 2);
    assertThat(epochs.get(3).validationAccuracy()).isGreaterThanOrEqualTo(0.9);
    Evaluation held = run.validate();
    assertThat(held.count()).isEqualTo(48);
    assertThat(held.accuracy()).isEqualTo(epochs.get(3).validationAccuracy());
    assertThat(held.loss()).isEqualTo(epochs.get(3).validationLoss());
  }

  @Test
  void setsTheModelsNormalisationFromTheTrainingExamplesOnly() {
    Dataset d = data();
    Model m = LeNet5.build(1, 4);
    TrainingRun run = new TrainingRun(m, d, CFG);
    assertThat(m.normalization()).isEqualTo(ChannelStatistics.of(d, run.split().train()));
    assertThat(m.normalization()).isNotEqualTo(ChannelStatistics.of(d));

    Normalization own = new Normalization(new float[] {1}, new float[] {2});
    Model given = LeNet5.build(1, 4).setNormalization(own);
    new TrainingRun(given, d, CFG);
    assertThat(given.normalization()).as("a model's own normalisation is kept").isEqualTo(own);

    Model plain = LeNet5.build(1, 4);
    new TrainingRun(plain, d, CFG.withNormalize(false));
    assertThat(plain.normalization()).isNull();
  }

  /**
   * A run interrupted after epoch 1 and resumed from what a checkpoint holds ends bit for bit where
   * the uninterrupted run does. Momentum 0: Sgd's velocity cannot be saved yet (its state is
   * another change), and with momentum 0 there is none to save.
   */
  @Test
  void aResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() {
    TrainConfig cfg = new TrainConfig(3, 16, 0.02f, 0f, 5e-4f, 0.5f, 8)
        .withValidation(0.25).withAugmentation(new Augmentation(2, true, 1)).withNormalize(true);  // flip too: only reproducibility counts here
    Dataset d = data();

    Model whole = LeNet5.build(1, 4).initialize(Init.HE, 4);
    List<EpochResult> uninterrupted = new TrainingRun(whole, d, cfg).train();

    Model first = LeNet5.build(1, 4).initialize(Init.HE, 4);
    EpochEnd[] saved = new EpochEnd[1];
    float[][][] savedWeights = new float[1][][];
    class Interrupted extends RuntimeException {}
    assertThatThrownBy(() -> new TrainingRun(first, d, cfg).onEpochEnd(end -> {
      saved[0] = end;
      savedWeights[0] = weights(end.model());
      throw new Interrupted();
    }).train()).isInstanceOf(Interrupted.class);
    assertThat(saved[0].epoch()).isEqualTo(1);
    assertThat(saved[0].iteration()).isEqualTo(9);  // 144 training examples in batches of 16

    Model resumed = LeNet5.build(1, 4).initialize(Init.HE, 99);  // other weights, overwritten by the "checkpoint"
    List<Param> ps = resumed.params();
    for (int i = 0; i < ps.size(); i++) System.arraycopy(savedWeights[0][i], 0, ps.get(i).value(), 0, savedWeights[0][i].length);
    resumed.setNormalization(saved[0].model().normalization());
    List<EpochResult> rest = new TrainingRun(resumed, d, cfg).resumeAfter(1, saved[0].iteration(), saved[0].history()).train();

    float[][] a = weights(whole), b = weights(resumed);
    for (int i = 0; i < a.length; i++) assertThat(b[i]).as("parameter %d", i).containsExactly(a[i]);
    assertThat(rest).hasSize(3);
    for (int e = 0; e < 3; e++) {
      assertThat(rest.get(e).loss()).isEqualTo(uninterrupted.get(e).loss());
      assertThat(rest.get(e).validationLoss()).isEqualTo(uninterrupted.get(e).validationLoss());
      assertThat(rest.get(e).learningRate()).isEqualTo(uninterrupted.get(e).learningRate());
    }
  }

  @Test
  void prefetchChangesNothingButSpeed() {
    Model a = LeNet5.build(1, 4).initialize(Init.HE, 6), b = LeNet5.build(1, 4).initialize(Init.HE, 6);
    TrainConfig cfg = CFG.withEpochs(2);
    List<EpochResult> ra = new TrainingRun(a, data(), cfg).prefetch(true).train();
    List<EpochResult> rb = new TrainingRun(b, data(), cfg).prefetch(false).train();
    float[][] wa = weights(a), wb = weights(b);
    for (int i = 0; i < wa.length; i++) assertThat(wb[i]).containsExactly(wa[i]);
    assertThat(rb.get(1).validationLoss()).isEqualTo(ra.get(1).validationLoss());
  }

  @Test
  void tellsItsListenersWhatHappensInOrder() {
    List<String> events = new ArrayList<>();
    TrainingRun run = new TrainingRun(LeNet5.build(1, 4), data(), CFG.withEpochs(2));
    run.listen(new RunListener() {
      int batches;

      @Override
      public void runStarted(TrainingRun r) {
        events.add("started " + r.split());
      }

      @Override
      public void batchEnded(BatchProgress p) {
        batches++;
        assertThat(p.images()).isEqualTo(Math.min(16L * p.batch(), 144));
        if (p.batch() == p.batches()) events.add("epoch " + p.epoch() + ": " + batches + " batches, " + p.images() + " images");
      }

      @Override
      public void epochEnded(EpochEnd end) {
        events.add("ended " + end.epoch() + " at iteration " + end.iteration() + " with " + end.history().size()
            + " results, validated on " + end.validation().count());
      }

      @Override
      public void runEnded(List<EpochResult> history) {
        events.add("run ended after " + history.size());
      }
    });
    run.train();
    assertThat(events).containsExactly(
        "started 144 to train, 48 to validate",
        "epoch 1: 9 batches, 144 images",
        "ended 1 at iteration 9 with 1 results, validated on 48",
        "epoch 2: 18 batches, 144 images",
        "ended 2 at iteration 18 with 2 results, validated on 48",
        "run ended after 2");
    assertThat(run.completedEpochs()).isEqualTo(2);
    assertThat(run.iteration()).isEqualTo(18);
  }

  @Test
  void aScheduleSeesTheEpochAndTheHistoryBeforeIt() {
    List<Integer> seen = new ArrayList<>();
    List<EpochResult> r = new TrainingRun(LeNet5.build(1, 4), data(), CFG)
        .schedule((epoch, history) -> {
          seen.add(history.size());
          return 0.03f / epoch;
        }).train();
    assertThat(seen).containsExactly(0, 1, 2);
    assertThat(r).extracting(EpochResult::learningRate).containsExactly(0.03f, 0.015f, 0.01f);
  }

  @Test
  void refusesMisuse() {
    TrainingRun run = new TrainingRun(LeNet5.build(1, 4), data(), CFG);
    assertThatThrownBy(() -> run.resumeAfter(4, 0, List.of()))
        .hasMessage("a run of 3 epochs cannot resume after epoch 4");
    assertThatThrownBy(() -> run.resumeAfter(1, 9, List.of()))
        .hasMessage("resuming after epoch 1 needs the results of 1 epochs, received 0");
    run.resumeAfter(3, 27, List.of(
        new EpochResult(1, 3, 1, 0, 1, 0, 0.1f, 1, 1), new EpochResult(2, 3, 1, 0, 1, 0, 0.1f, 1, 1),
        new EpochResult(3, 3, 1, 0, 1, 0, 0.1f, 1, 1)));
    assertThat(run.train()).hasSize(3);  // nothing left to do
    assertThatThrownBy(run::train).hasMessage("this run has trained already; start a new TrainingRun");
    assertThatThrownBy(() -> new TrainingRun(LeNet5.build(1, 4), data(), CFG.withAugmentation(new Augmentation(32, false, 0))))
        .hasMessageStartingWith("dataset bright quadrants: crop padding 32 and translation 0 must be below the image's smaller side");
  }

  @Test
  void configRefusesBadSettings() {
    assertThatThrownBy(() -> CFG.withValidation(1))
        .hasMessage("the validation fraction must be in [0, 1), received 1.0; 0.1 holds out a tenth of the training set");
    assertThatThrownBy(() -> CFG.withAugmentation(null))
        .hasMessage("augmentation must be given; Augmentation.NONE for none");
  }

  @Test
  void anEpochReadsAsOneLine() {
    assertThat(new EpochResult(2, 10, 0.41234, 0.871, 0.39, 0.88, 0.01f, 5800.4, 10.26))
        .hasToString("epoch 2/10  loss 0.4123  accuracy 87.10%  val loss 0.3900  val accuracy 88.00%  lr 0.01  5,800 images/s  10.3 s");
    assertThat(new EpochResult(1, 1, 0.5, 0.5, Double.NaN, Double.NaN, 0.1f, 100, 1))
        .hasToString("epoch 1/1  loss 0.5000  accuracy 50.00%  lr 0.1  100 images/s  1.0 s");
  }
}
