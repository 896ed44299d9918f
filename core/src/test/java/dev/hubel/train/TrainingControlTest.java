package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.data.Dataset;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.zoo.LeNet5;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dashboard's hooks into the loop: pause, a new learning rate, work between batches. */
@Timeout(60)
class TrainingControlTest {
  private static final Dataset DATA = DeterminismTest.quadrants(96, 3);
  private static final TrainConfig CFG = new TrainConfig(2, 8, 0.01f, 0.9f, 5e-4f, 0.5f, 4);

  private static TrainingRun run(TrainingControl control, AtomicInteger batches) {
    return new TrainingRun(LeNet5.build(1, 4).initialize(Init.HE, 1), DATA, CFG).prefetch(false).control(control)
        .listen(new RunListener() {
          @Override
          public void batchEnded(BatchProgress p) {
            batches.incrementAndGet();
          }
        });
  }

  @Test
  void pauseHoldsTheRunBeforeItsNextBatchAndResumeFinishesIt() throws Exception {
    TrainingControl control = new TrainingControl();
    AtomicInteger batches = new AtomicInteger();
    control.pause();
    CompletableFuture<List<EpochResult>> done = CompletableFuture.supplyAsync(() -> run(control, batches).train());
    Thread.sleep(400);
    assertThat(batches.get()).as("batches trained while paused from the start").isZero();
    assertThat(done).isNotDone();
    control.resume();
    List<EpochResult> history = done.get(30, TimeUnit.SECONDS);
    assertThat(batches.get()).isEqualTo(2 * 12);
    assertThat(history).hasSize(2);
  }

  @Test
  void pausedTimeDoesNotCountAsTrainingTime() throws Exception {
    TrainingControl control = new TrainingControl();
    AtomicInteger batches = new AtomicInteger();
    TrainingRun run = run(control, batches).listen(new RunListener() {
      @Override
      public void batchEnded(BatchProgress p) {
        if (p.epoch() == 1 && p.batch() == 6) control.pause();
      }
    });
    CompletableFuture<List<EpochResult>> done = CompletableFuture.supplyAsync(run::train);
    while (batches.get() < 6) Thread.sleep(5);
    Thread.sleep(1500);
    assertThat(batches.get()).as("batches after pausing at batch 6").isEqualTo(6);
    control.resume();
    List<EpochResult> history = done.get(30, TimeUnit.SECONDS);
    assertThat(history.get(0).seconds()).as("epoch 1's seconds, 1.5 of them paused").isLessThan(1.2);
  }

  @Test
  void aNewLearningRateHoldsFromTheNextBatchToTheEndAndIsRecorded() {
    TrainingControl control = new TrainingControl();
    List<Float> seen = new ArrayList<>();
    AtomicReference<TrainingRun> self = new AtomicReference<>();
    TrainingRun run = run(control, new AtomicInteger()).listen(new RunListener() {
      @Override
      public void batchEnded(BatchProgress p) {
        seen.add(self.get().sgd().learningRate());
        if (p.epoch() == 1 && p.batch() == 3) control.setLearningRate(0.05f);
      }
    });
    self.set(run);
    List<EpochResult> history = run.train();
    assertThat(seen.subList(0, 3)).containsOnly(0.01f);
    assertThat(seen.subList(3, seen.size())).as("epoch 2 would have had the decayed 0.005").containsOnly(0.05f);
    assertThat(history).extracting(EpochResult::learningRate).containsExactly(0.05f, 0.05f);
    assertThat(control.learningRate()).isEqualTo(0.05f);
  }

  @ParameterizedTest
  @ValueSource(floats = {0f, -0.1f, Float.NaN, Float.POSITIVE_INFINITY})
  void refusesALearningRateThatIsNotAPositiveNumber(float lr) {
    TrainingControl control = new TrainingControl();
    assertThatThrownBy(() -> control.setLearningRate(lr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("learning rate must be a positive number, received " + lr);
    assertThat(control.learningRate()).isNaN();
  }

  @Test
  void tasksRunOnTheTrainingThreadBetweenBatchesEvenWhilePaused() throws Exception {
    TrainingControl control = new TrainingControl();
    AtomicInteger batches = new AtomicInteger();
    AtomicReference<Thread> training = new AtomicReference<>();
    TrainingRun run = run(control, batches).listen(new RunListener() {
      @Override
      public void runStarted(TrainingRun r) {
        training.set(Thread.currentThread());
      }
    });
    control.pause();
    CompletableFuture<List<EpochResult>> done = CompletableFuture.supplyAsync(run::train);
    CompletableFuture<String> task = control.betweenBatches(r -> Thread.currentThread().getName() + " at step " + r.iteration());
    String result = task.get(10, TimeUnit.SECONDS);
    assertThat(result).isEqualTo(training.get().getName() + " at step 0");
    CompletableFuture<Object> failing = control.betweenBatches(r -> {
      throw new IllegalStateException("disk full");
    });
    assertThat(failing).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(Exception.class).withMessageContaining("disk full");
    control.resume();
    assertThat(done.get(30, TimeUnit.SECONDS)).as("a failing task does not stop the run").hasSize(2);
  }

  @Test
  void refusesTasksBeyondTheBound() {
    TrainingControl control = new TrainingControl();
    for (int i = 0; i < TrainingControl.MAX_PENDING; i++) control.betweenBatches(r -> null);
    assertThatThrownBy(() -> control.betweenBatches(r -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("8 requests are already waiting for the training thread; try again shortly");
  }

  @Test
  void aRunWithAnIdleControlTrainsAsOneWithout() {
    Model a = LeNet5.build(1, 4).initialize(Init.HE, 1), b = LeNet5.build(1, 4).initialize(Init.HE, 1);
    new TrainingRun(a, DATA, CFG).train();
    new TrainingRun(b, DATA, CFG).control(new TrainingControl()).train();
    for (int i = 0; i < a.params().size(); i++) {
      assertThat(b.params().get(i).value()).as(a.params().get(i).name()).containsExactly(a.params().get(i).value());
    }
  }
}
