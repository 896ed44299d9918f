package dev.hubel.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.train.Sgd;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlphaGoPolicyTest {

  /**
   * CONV1 (5*5*48)*k + k, CONV2..CONV12 eleven times (3*3*k)*k + k, CONV13 (1*1*k)*1 + 1: every
   * convolution keeps the board's size, so the board changes no count. k = 192 is the lecture's.
   */
  @ParameterizedTest(name = "{0}x{0} board, k={1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      19 | 192 | 3882433 | the lecture's: 230,592 + 11 * 331,968 + 193
      9  | 192 | 3882433 | a 9x9 board, same filters: same count
      19 | 128 | 1777281 | k = 128: 153,728 + 11 * 147,584 + 129
      9  | 8   | 16041   | the reduced network the other tests train: 9,608 + 11 * 584 + 9
      """)
  void parameterCount(int board, int k, long byHand, String how) {
    long formula = (5L * 5 * 48 * k + k) + 11 * (3L * 3 * k * k + k) + (k + 1);
    assertThat(formula).as(how).isEqualTo(byHand);
    assertThat(AlphaGoPolicy.build(board, k).paramCount()).as(how).isEqualTo(byHand);
  }

  @Test
  void summaryMatchesItsSnapshot() {
    assertThat(AlphaGoPolicy.build().summary()).isEqualTo(Snapshots.read("alphago-policy-summary.txt"));
  }

  /** The full network: a position in, 361 move probabilities out that sum to 1. */
  @Test
  void predictsOneProbabilityPerPointOfTheBoard() {
    Model model = AlphaGoPolicy.build().initialize(Init.HE, 1);
    assertThat(model.inputShape()).isEqualTo(Shape.chw(48, 19, 19));
    assertThat(model.outputShape()).isEqualTo(Shape.vector(361));
    float[] position = new float[48 * 19 * 19];
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < position.length; i++) position[i] = rnd.nextInt(2);  // feature planes are 0/1
    float[] probs = model.predict(position);
    assertThat(probs).hasSize(361);
    double sum = 0;
    for (float p : probs) {
      assertThat(p).isBetween(0f, 1f);
      sum += p;
    }
    assertThat(sum).isCloseTo(1.0, offset(1e-5));
  }

  /** A reduced network (9x9, k = 8) through Plan.trainStep: a move's class is row * 9 + column. */
  @Test
  void everyParameterGetsAFiniteNonZeroGradient() {
    Model model = AlphaGoPolicy.build(9, 8).initialize(Init.HE, 3);
    int n = 3;
    Plan plan = model.compile(n, new WorkerPool(2));
    plan.load(randomPositions(n, 9, 4), Shape.chw(48, 9, 9), n);
    float loss = plan.trainStep(n, new int[] {0, 40, 80});
    assertThat(loss).isFinite().isPositive();
    for (Param p : model.params()) {
      boolean nonZero = false;
      for (float g : p.grad()) {
        assertThat(g).as(p.name()).isFinite();
        nonZero |= g != 0f;
      }
      if (p.name().equals("CONV13.bias")) {
        // one bias moves all 81 scores alike, which the softmax cannot see: its gradient is 0 but for rounding
        assertThat(p.grad()[0]).isCloseTo(0f, offset(1e-6f));
      } else {
        assertThat(nonZero).as("%s has a non-zero gradient", p.name()).isTrue();
      }
    }
  }

  /** SGD on one batch of positions raises the probability of the moves played: the board's loss trains. */
  @Test
  void sgdLearnsTheMovesOfABatch() {
    Model model = AlphaGoPolicy.build(5, 8).initialize(Init.HE, 5);
    int n = 4;
    int[] moves = {0, 6, 12, 24};
    Plan plan = model.compile(n, new WorkerPool(2));
    plan.load(randomPositions(n, 5, 6), Shape.chw(48, 5, 5), n);
    // 13 plain layers on 0/1 planes: a larger rate (0.01 and up) oscillates or diverges here
    Sgd sgd = new Sgd(model.params(), 0.005f, 0.9f, 0f);
    float first = plan.trainStep(n, moves);
    sgd.step();
    float loss = first;
    for (int step = 0; step < 25; step++) {
      loss = plan.trainStep(n, moves);
      sgd.step();
    }
    assertThat(first).as("loss at the start: about ln 25 = %.2f", Math.log(25)).isGreaterThan(2.5f);
    assertThat(loss).as("loss after 25 more steps, from %.3f", first).isLessThan(first / 4);
  }

  private static float[] randomPositions(int n, int board, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n * 48 * board * board];
    for (int i = 0; i < x.length; i++) x[i] = rnd.nextInt(2);
    return x;
  }
}
