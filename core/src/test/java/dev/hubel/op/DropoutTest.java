package dev.hubel.op;

import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inverted dropout: identity at inference; in training a seeded, thread-independent mask, scaled by 1/(1-p). */
class DropoutTest {
  private static final int N = 4, UNITS = 5000;  // 20,000 draws: the kept share is within 0.015 of 1-p at 4 sigma
  private static final WorkerPool ONE = new WorkerPool(1), TWO = new WorkerPool(2), THREE = new WorkerPool(3);

  private static Plan plan(double p, WorkerPool pool) {
    Plan plan = Model.of("dropout " + p, dropout(input(Shape.vector(UNITS)), p)).compile(N, pool);
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x = plan.input();
    for (int i = 0; i < x.length; i++) x[i] = (float) (0.5 + rnd.nextDouble());  // never 0, so a kept unit is never 0
    return plan;
  }

  @Test
  void inferenceIsTheIdentity() {
    Plan plan = plan(0.5, TWO);
    plan.forward(N, false);
    assertThat(plan.output()).containsExactly(plan.input());
  }

  @ParameterizedTest(name = "p = {0}")
  @ValueSource(doubles = {0.5, 0.2, 0.9})
  void trainingKeepsAbout1MinusPOfTheUnitsScaledBy1Over1MinusP(double p) {
    Plan plan = plan(p, TWO);
    plan.forward(N, true);
    float[] x = plan.input(), y = plan.output();
    float scale = (float) (1 / (1 - p));
    int kept = 0;
    for (int i = 0; i < x.length; i++) {
      if (y[i] != 0f) {
        kept++;
        assertThat(y[i]).as("kept unit %d", i).isEqualTo(x[i] * scale);
      }
    }
    assertThat((double) kept / x.length).as("share kept").isCloseTo(1 - p, offset(0.015));
  }

  @Test
  void pZeroKeepsEverythingInTraining() {
    Plan plan = plan(0, TWO);
    plan.forward(N, true);
    assertThat(plan.output()).containsExactly(plan.input());
  }

  @Test
  void backwardUsesTheForwardMask() {
    Model model = Model.of("dropout", dropout(input(Shape.vector(UNITS)), 0.5));
    Plan plan = model.compile(N, TWO, true);
    Arrays.fill(plan.input(), 1f);
    plan.forward(N, true);
    Arrays.fill(plan.outputGrad(), 1f);
    plan.backward(N);
    // y = x * mask * 2 with x = 1, so dL/dx = dy * mask * 2 = y wherever dy = 1
    assertThat(plan.inputGrad()).containsExactly(plan.output());
    assertThat(plan.output()).contains(0f, 2f).containsOnly(0f, 2f);
  }

  @Test
  void inferenceBackwardPassesTheGradientThrough() {
    Plan plan = Model.of("dropout", dropout(input(Shape.vector(UNITS)), 0.5)).compile(N, TWO, true);
    plan.forward(N, false);
    for (int i = 0; i < plan.outputGrad().length; i++) plan.outputGrad()[i] = i;
    plan.backward(N);
    assertThat(plan.inputGrad()).containsExactly(plan.outputGrad());
  }

  @Test
  void sameSeedAndIterationGiveTheSameMaskOnAnyNumberOfThreads() {
    float[][] outputs = new float[3][];
    WorkerPool[] pools = {ONE, TWO, THREE};
    for (int t = 0; t < 3; t++) {
      Plan plan = plan(0.5, pools[t]);
      plan.setNoiseSeed(42);
      plan.setIteration(7);
      plan.forward(N, true);
      outputs[t] = plan.output().clone();
    }
    assertThat(outputs[1]).containsExactly(outputs[0]);
    assertThat(outputs[2]).containsExactly(outputs[0]);
  }

  @Test
  void anotherIterationOrSeedDrawsAnotherMask() {
    Plan plan = plan(0.5, TWO);
    plan.setNoiseSeed(42);
    plan.forward(N, true);
    float[] first = plan.output().clone();
    plan.forward(N, true);
    float[] second = plan.output().clone();
    plan.setIteration(0);
    plan.forward(N, true);
    assertThat(plan.output()).as("iteration 0 again").containsExactly(first);
    plan.setNoiseSeed(43);
    plan.setIteration(0);
    plan.forward(N, true);
    float[] otherSeed = plan.output().clone();
    assertThat(sameUnitsKept(first, second)).as("share of units whose fate agrees, iterations 0 and 1").isCloseTo(0.5, offset(0.02));
    assertThat(sameUnitsKept(first, otherSeed)).as("share agreeing, seeds 42 and 43").isCloseTo(0.5, offset(0.02));
  }

  /** Independent masks at p = 0.5 agree on about half the units. */
  private static double sameUnitsKept(float[] a, float[] b) {
    int same = 0;
    for (int i = 0; i < a.length; i++) if ((a[i] == 0f) == (b[i] == 0f)) same++;
    return (double) same / a.length;
  }
}
