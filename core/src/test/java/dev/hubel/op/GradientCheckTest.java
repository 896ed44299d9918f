package dev.hubel.op;

import static dev.hubel.model.Layers.add;
import static dev.hubel.model.Layers.avgPool;
import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.concat;
import static dev.hubel.model.Layers.conv1d;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.embedding;
import static dev.hubel.model.Layers.flatten;
import static dev.hubel.model.Layers.globalAvgPool;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.lrn;
import static dev.hubel.model.Layers.maxOverTime;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.padChannels;
import static dev.hubel.model.Layers.relu;
import static dev.hubel.model.Layers.spatialSoftmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backward against central differences, independent of PyTorch. The loss is L = sum(y * r) for a
 * fixed random r, so dL/dy = r: set the output grad to r, run backward, and compare dL/dx and
 * dL/dparams with (L(v + eps) - L(v - eps)) / 2 eps for every input and parameter entry.
 *
 * <p>Every op here is linear in each input and parameter separately, or piecewise linear (ReLU,
 * max), so central differences are exact but for float rounding, as long as no kink lies within
 * eps. The inputs are therefore distinct multiples of 0.05 (> 2 eps apart, so no max pool's winner
 * can change, and at least 0.025 away from ReLU's kink). The chain case cannot arrange that for its
 * hidden ReLUs, so there a coordinate whose one-sided differences disagree (a kink crossed) is
 * skipped, and at most a few may be.
 */
class GradientCheckTest {
  private static final double EPS = 1e-2;
  /** Float rounding gives errors near 1e-4 here; a wrong index or a missing term gives order 1. */
  private static final double TOL = 2e-3;
  /** One thread: many tiny passes, and the golden test covers the split over pieces. */
  private static final WorkerPool POOL = new WorkerPool(1);

  /** @param vocabulary above 0: the input is token ids below it, which get no gradient and are not nudged */
  record Case(String name, int n, Supplier<Node> build, boolean kinksInside, int vocabulary) {
    Case(String name, int n, Supplier<Node> build, boolean kinksInside) {
      this(name, n, build, kinksInside, 0);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    List<Case> t = new ArrayList<>();
    t.add(new Case("conv 3x5 filter on 7x9, 2 channels, batch 2", 2,
        () -> conv2d(input(2, 7, 9), 3, 3, 5, 1, 0, Fit.EXACT), false));
    t.add(new Case("conv 3x3 stride 2 pad 1 on 7x7", 1, () -> conv2d(input(3, 7, 7), 2, 3, 2, 1), false));
    t.add(new Case("conv 2x3 stride 2 pad 1 on 6x7, batch 2", 2,
        () -> conv2d(input(2, 6, 7), 2, 2, 3, 2, 1, Fit.EXACT), false));
    t.add(new Case("conv 3x3 stride 2 FLOOR on 8x8", 1, () -> conv2d(input(2, 8, 8), 2, 3, 3, 2, 0, Fit.FLOOR), false));
    t.add(new Case("conv 1x1 (no im2col) on 4x5, batch 2", 2, () -> conv2d(input(3, 4, 5), 2, 1, 1, 0), false));
    t.add(new Case("max pool 2x2 stride 2 on 4x6, batch 2", 2, () -> maxPool(input(2, 4, 6), 2, 2), false));
    t.add(new Case("max pool 3x3 stride 2 pad 1 on 7x7", 1, () -> maxPool(input(2, 7, 7), 3, 2, 1, Fit.EXACT), false));
    t.add(new Case("max pool 3x3 stride 2 CEIL on 6x8", 1, () -> maxPool(input(2, 6, 8), 3, 2, 0, Fit.CEIL), false));
    t.add(new Case("max pool 3x3 stride 1 on 5x5 (pixels win several windows)", 2,
        () -> maxPool(input(2, 5, 5), 3, 1), false));
    t.add(new Case("avg pool 3x3 stride 2 overlapping on 7x9", 1, () -> avgPool(input(2, 7, 9), 3, 2), false));
    t.add(new Case("avg pool 3x3 stride 1 pad 1 on 5x6", 2, () -> avgPool(input(1, 5, 6), 3, 1, 1, Fit.EXACT), false));
    t.add(new Case("avg pool 3x3 stride 2 pad 1 CEIL on 6x6", 1, () -> avgPool(input(2, 6, 6), 3, 2, 1, Fit.CEIL), false));
    t.add(new Case("dense vector of 7 to 4 units, batch 3", 3, () -> dense(input(Shape.vector(7)), 4), false));
    t.add(new Case("dense on a 3x4x2 volume, batch 2", 2, () -> dense(input(2, 3, 4), 5), false));
    t.add(new Case("relu on a 3x4x2 volume, batch 2", 2, () -> relu(input(2, 3, 4)), false));
    t.add(new Case("flatten a 3x4x2 volume, batch 2", 2, () -> flatten(input(2, 3, 4)), false));
    t.add(new Case("chain conv-relu-pool-conv-relu-flatten-dense-relu-dense, batch 2", 2, () -> {
      Node x = relu(conv2d(input(2, 8, 8), 3, 3, 1, 1));   // 8x8x3
      x = maxPool(x, 2, 2);                                 // 4x4x3
      x = relu(conv2d(x, 4, 2, 3, 2, 1, Fit.FLOOR));        // 3x2x4
      x = relu(dense(flatten(x), 6));
      return dense(x, 3);
    }, true));
    // AlexNet's layers. LRN is smooth, not piecewise linear: central differences are off by O(eps^2),
    // well inside TOL at these sizes. Dropout is linear once its mask is drawn; loss() replays iteration 0.
    t.add(new Case("grouped conv, 2 groups, 3x3 pad 1 on 5x5, 4 channels to 6 filters, batch 2", 2,
        () -> conv2d(input(4, 5, 5), 6, 3, 1, 1, 2), false));
    t.add(new Case("grouped conv, 3 groups, 1x1 (no im2col) on 3x4, batch 2", 2,
        () -> conv2d(input(6, 3, 4), 3, 1, 1, 0, 3), false));
    t.add(new Case("grouped conv, depthwise 2x3 stride 2 pad 1 on 6x7", 1,
        () -> conv2d(input(3, 6, 7), 6, 2, 3, 2, 1, Fit.EXACT, 3), false));
    t.add(new Case("lrn size 5, alpha 1, beta 0.75, k 2 on 3x4x7, batch 2", 2,
        () -> lrn(input(7, 3, 4), 5, 1.0, 0.75, 2.0), false));
    t.add(new Case("lrn even size 4, alpha 0.5, beta 1, k 1 on 2x3x5", 1,
        () -> lrn(input(5, 2, 3), 4, 0.5, 1.0, 1.0), false));
    t.add(new Case("dropout 0.5 on a vector of 40, batch 2", 2, () -> dropout(input(Shape.vector(40)), 0.5), false));
    t.add(new Case("chain conv-norm-pool-grouped conv-dense-dropout-dense, batch 2", 2, () -> {
      Node x = relu(conv2d(input(2, 7, 7), 4, 3, 1, 1));   // 7x7x4
      x = lrn(maxPool(x, 3, 2), 3, 1.0, 0.75, 2.0);          // 3x3x4
      x = relu(conv2d(x, 4, 3, 1, 1, 2));                    // 3x3x4
      return dense(dropout(relu(dense(x, 6)), 0.5), 3);
    }, true));
    // sequences, the sentence CNN, a softmax over a map
    t.add(new Case("conv1d width 3 on 7x2, batch 2", 2, () -> conv1d(input(Shape.sequence(2, 7)), 3, 3, 1, 0), false));
    t.add(new Case("conv1d width 2 stride 2 pad 1 on 8x3", 1, () -> conv1d(input(Shape.sequence(3, 8)), 2, 2, 2, 1), false));
    t.add(new Case("conv1d width 5 pad 2 on 4x2 (window wider than the input)", 2,
        () -> conv1d(input(Shape.sequence(2, 4)), 2, 5, 1, 2), false));
    t.add(new Case("conv1d width 1 (no im2col) on 5x3, batch 2", 2, () -> conv1d(input(Shape.sequence(3, 5)), 2, 1, 1, 0), false));
    t.add(new Case("max over time on 6x3, batch 2", 2, () -> maxOverTime(input(Shape.sequence(3, 6))), false));
    t.add(new Case("concat of two vectors and a volume's flattening, batch 2", 2, () -> {
      Node x = input(2, 3, 3);
      return concat(dense(x, 3), flatten(x), dense(x, 2));
    }, false));
    t.add(new Case("concat of two conv branches in depth, batch 2", 2, () -> {
      Node x = input(2, 4, 4);
      return concat(conv2d(x, 2, 3, 1, 1), conv2d(x, 3, 1, 1, 0));
    }, false));
    t.add(new Case("softmax over a 4x5 map after a 1x1 conv, batch 2", 2,
        () -> spatialSoftmax(conv2d(input(3, 4, 5), 1, 1, 1, 0)), false));
    t.add(new Case("embedding of 6 ids from 4 tokens into 3 dims (ids repeat), batch 2", 2,
        () -> embedding(input(Shape.vector(6)), 4, 3), false, 4));
    t.add(new Case("sentence CNN: embedding, conv1d widths 2 and 3 + relu + max over time, concat, dense, batch 2", 2, () -> {
      Node words = embedding(input(Shape.vector(7)), 5, 4);
      Node two = maxOverTime(relu(conv1d(words, 3, 2, 1, 0)));
      Node three = maxOverTime(relu(conv1d(words, 3, 3, 1, 1)));
      return dense(concat(two, three), 2);
    }, true, 5));
    // graphs with branches and batch norm (ResNet, GoogLeNet)
    t.add(new Case("conv 3x3 without bias on 5x5, batch 2", 2,
        () -> conv2d(input(2, 5, 5), 3, 3, 3, 1, 1, Fit.EXACT, false), false));
    t.add(new Case("residual add: conv(x) + x, batch 2", 2, () -> {
      Node x = input(2, 4, 5);
      return add(conv2d(x, 2, 3, 1, 1), x);
    }, false));
    t.add(new Case("a node added to itself", 1, () -> {
      Node c = conv2d(input(2, 3, 3), 2, 3, 1, 1);
      return add(c, c);
    }, false));
    t.add(new Case("depth concat of conv 1x1, the input and a max pool, batch 2", 2, () -> {
      Node x = input(2, 4, 4);
      return concat(conv2d(x, 3, 1, 1, 0), x, maxPool(x, 3, 1, 1, Fit.EXACT));
    }, false));
    t.add(new Case("global avg pool of 3x4x3, batch 2", 2, () -> globalAvgPool(input(3, 3, 4)), false));
    t.add(new Case("zero channels 1 before, 2 after, batch 2", 2, () -> padChannels(input(2, 3, 3), 1, 2), false));
    t.add(new Case("batch norm of a 3x4x2 volume, batch 3", 3, () -> batchNorm(input(2, 3, 4)), false));
    t.add(new Case("batch norm of a vector of 4, batch 5", 5, () -> batchNorm(input(Shape.vector(4))), false));
    t.add(new Case("batch norm of a sequence, 3 channels of 5 positions, batch 2", 2, () -> batchNorm(input(new Shape(3, 5))), false));
    // batch norm is smooth but curved, which the kink test would take for kinks: this block leaves out its ReLUs
    t.add(new Case("residual block: conv-BN-conv-BN + projection-BN, then global pool and FC, batch 2", 2, () -> {
      Node x = input(2, 6, 6);
      Node y = batchNorm(conv2d(x, 3, 3, 3, 2, 1, Fit.FLOOR, false));
      y = batchNorm(conv2d(y, 3, 3, 3, 1, 1, Fit.EXACT, false));
      Node s = batchNorm(conv2d(x, 3, 1, 1, 2, 0, Fit.FLOOR, false));
      return dense(globalAvgPool(add(y, s)), 2);
    }, false));
    return t.stream().map(c -> Arguments.of(c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void backwardMatchesCentralDifferences(Case c) {
    Model model = Model.of(c.name(), c.build().get());
    Random rnd = new Random(c.name().hashCode());
    for (Param p : model.params()) {
      double scale = p.isBias() ? 0.5 : 1 / Math.sqrt(p.fanIn());  // biases nonzero, so their use is visible
      for (int i = 0; i < p.size(); i++) p.value()[i] = (float) ((2 * rnd.nextDouble() - 1) * scale);
    }
    int n = c.n(), in = model.inputShape().size() * n, out = model.outputShape().size() * n;
    Plan plan = model.compile(n, POOL, true);
    if (c.vocabulary() > 0) {
      for (int i = 0; i < in; i++) plan.input()[i] = rnd.nextInt(c.vocabulary());
    } else {
      fillDistinct(plan.input(), in, rnd);
    }
    float[] r = new float[out];
    for (int i = 0; i < out; i++) r[i] = (float) (2 * rnd.nextDouble() - 1);

    plan.forward(n, true);
    System.arraycopy(r, 0, plan.outputGrad(), 0, out);
    plan.backward(n);
    List<float[]> analytic = new ArrayList<>();
    analytic.add(plan.inputGrad().clone());
    for (Param p : model.params()) analytic.add(p.grad().clone());

    int skipped = 0, total = 0;
    List<String> wrong = new ArrayList<>();
    for (int v = 0; v < analytic.size(); v++) {
      float[] values = v == 0 ? plan.input() : model.params().get(v - 1).value();
      String what = v == 0 ? "input" : model.params().get(v - 1).name();
      int size = v == 0 && c.vocabulary() > 0 ? 0 : v == 0 ? in : values.length;  // ids: their gradient must stay 0 (below)
      for (int i = 0; i < size; i++) {
        float saved = values[i];
        double l0 = loss(plan, n, r);
        values[i] = (float) (saved + EPS);
        double up = loss(plan, n, r);
        values[i] = (float) (saved - EPS);
        double down = loss(plan, n, r);
        values[i] = saved;
        double numeric = (up - down) / (2 * EPS);
        total++;
        if (c.kinksInside() && Math.abs((up - l0) - (l0 - down)) / EPS > TOL * Math.max(1, Math.abs(numeric))) {
          skipped++;  // a ReLU or a max changed sides within eps: the difference means nothing here
          continue;
        }
        double a = analytic.get(v)[i];
        if (Math.abs(a - numeric) > TOL * Math.max(1, Math.abs(numeric)) && wrong.size() < 10) {
          wrong.add(String.format("d%s[%d]: backward %.6f, central difference %.6f", what, i, a, numeric));
        }
      }
    }
    if (c.vocabulary() > 0) {
      for (int i = 0; i < in; i++) if (analytic.get(0)[i] != 0f) wrong.add("token id " + i + " received a gradient");
    }
    if (!wrong.isEmpty()) fail("gradients differ:\n  " + String.join("\n  ", wrong));
    assertThat(skipped).as("coordinates skipped at kinks, of %d", total).isLessThanOrEqualTo(total / 20);
  }

  /**
   * Max pooling keeps no winners in an inference pass; a backward pass after one must find them
   * rather than reuse those of an earlier batch.
   */
  @org.junit.jupiter.api.Test
  void maxPoolBackwardAfterAnInferencePassFindsItsWinners() {
    Model model = Model.of("pool", maxPool(input(2, 7, 7), 3, 2, 1, Fit.EXACT));
    Plan plan = model.compile(2, POOL, true);
    Random rnd = new Random(5);
    int in = model.inputShape().size() * 2, out = model.outputShape().size() * 2;
    fillDistinct(plan.input(), in, rnd);
    plan.forward(2, true);
    java.util.Arrays.fill(plan.outputGrad(), 0, out, 1f);
    plan.backward(2);
    float[] trained = plan.inputGrad().clone();
    fillDistinct(plan.input(), in, rnd);   // another batch, whose winners lie elsewhere
    plan.forward(2, true);
    fillDistinct(plan.input(), in, new Random(5));  // the first batch again, through an inference pass
    plan.forward(2, false);
    java.util.Arrays.fill(plan.outputGrad(), 0, out, 1f);
    plan.backward(2);
    assertThat(plan.inputGrad()).containsExactly(trained);
  }

  private static double loss(Plan plan, int n, float[] r) {
    plan.setIteration(0);  // dropout draws the mask of the analytic pass again
    plan.forward(n, true);
    float[] y = plan.output();
    double l = 0;
    for (int i = 0; i < r.length; i++) l += (double) y[i] * r[i];
    return l;
  }

  /** Distinct values k * 0.05 - offset, shuffled, none within 0.025 of zero. */
  private static void fillDistinct(float[] x, int count, Random rnd) {
    List<Integer> k = new ArrayList<>();
    for (int i = 0; i < count; i++) k.add(i);
    java.util.Collections.shuffle(k, rnd);
    for (int i = 0; i < count; i++) x[i] = (float) ((k.get(i) - count / 2.0 + 0.5) * 0.05);
  }
}
