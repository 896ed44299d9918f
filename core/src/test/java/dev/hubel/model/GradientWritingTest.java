package dev.hubel.model;

import static dev.hubel.model.Layers.add;
import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plan does not zero a gradient whose first writer in the backward pass (a batch norm, ReLU
 * or add that reads it last) writes it instead of adding into it: the gradients must be those of a
 * plan that zeroes every one, step after step (a writer that left part of a gradient unwritten
 * would leave the last step's values there).
 */
class GradientWritingTest {
  private static final WorkerPool POOL = new WorkerPool(2);
  private static final int BATCH = 3;

  /**
   * Residual blocks: a norm read by a ReLU, a norm and the block's input read by an add, a node
   * added to itself and read by nothing else (its gradient is dy twice, so that add must not write
   * it), a node read by a convolution and then by an add (the add, last, writes), and a ReLU read
   * by a convolution only (these 4-filter convolutions are implicit GEMMs, which write dx).
   */
  private static Model model() {
    Node x = input(4, 6, 6);
    Node r1 = relu(batchNorm(conv2d(x, 4, 3, 3, 1, 1, Fit.EXACT, false)));
    Node r2 = relu(add(batchNorm(conv2d(r1, 4, 3, 3, 1, 1, Fit.EXACT, false)), x));
    Node t = relu(batchNorm(conv2d(r2, 4, 3, 3, 1, 1, Fit.EXACT, false)));
    Node twice = add(t, t);
    Node s = add(batchNorm(conv2d(twice, 4, 3, 3, 1, 1, Fit.EXACT, false)), r2);
    return Model.of("blocks", relu(s));
  }

  private static List<float[]> step(Plan plan, Random rnd) {
    float[] in = plan.input();
    for (int i = 0; i < BATCH * 4 * 36; i++) in[i] = rnd.nextFloat() - 0.5f;
    int[] labels = new int[BATCH];
    for (int i = 0; i < BATCH; i++) labels[i] = rnd.nextInt(4 * 36);
    plan.trainStep(BATCH, labels);
    List<float[]> grads = new ArrayList<>();
    grads.add(plan.inputGrad().clone());
    for (Param p : plan.model().params()) if (p.grad() != null) grads.add(p.grad().clone());
    return grads;
  }

  /**
   * Training passes that fuse each ReLU into the norm or add before it (the norm's dy made from the
   * ReLU's gradient as it is summed, the add's handed on masked) give the bits of the steps apart:
   * every gradient, and each node's output (the producers' own outputs made when asked for, after
   * the parameters have changed).
   */
  @Test
  void reluFusedInTrainingGivesTheBitsOfTheStepsApart() {
    Model model = model();
    initialize(model);
    Plan fused = new Plan(model, BATCH, POOL, true, false, true), apart = new Plan(model, BATCH, POOL, true, false, false);
    for (int k = 0; k < 3; k++) {
      List<float[]> got = step(fused, new Random(20 + k)), want = step(apart, new Random(20 + k));
      assertSameBits("step " + k + ", gradient", got, want);
      // as an optimiser step would: the outputs asked for afterwards are still the pass's
      for (Param p : model.params()) for (int i = 0; i < p.size(); i++) p.value()[i] += 0.01f;
      for (Node node : model.nodes()) {
        float[] a = fused.activations(node), b = apart.activations(node);
        for (int i = 0; i < BATCH * node.shape().size(); i++) {
          assertThat(a[i] == b[i]).as("step %d, %s's output, element %d: %s against %s", k, node.name(), i, a[i], b[i]).isTrue();
        }
      }
    }
  }

  private static void initialize(Model model) {
    Random init = new Random(2);
    for (Param p : model.params()) {
      float[] v = p.value();
      for (int i = 0; i < v.length; i++) v[i] = p.role() == dev.hubel.tensor.Role.RUNNING_VAR ? 1f : init.nextFloat() - 0.5f;
    }
  }

  private static void assertSameBits(String what, List<float[]> got, List<float[]> want) {
    for (int g = 0; g < want.size(); g++) {
      float[] a = got.get(g), b = want.get(g);
      for (int i = 0; i < b.length; i++) {
        assertThat(a[i] == b[i]).as("%s %d (0: the input's), element %d: %s against %s", what, g, i, a[i], b[i]).isTrue();
      }
    }
  }

  @Test
  void writtenGradientsEqualZeroedAndAddedOnes() {
    Model model = model();
    Random init = new Random(2);
    for (Param p : model.params()) {
      float[] v = p.value();
      for (int i = 0; i < v.length; i++) v[i] = p.role() == dev.hubel.tensor.Role.RUNNING_VAR ? 1f : init.nextFloat() - 0.5f;
    }
    Plan writing = new Plan(model, BATCH, POOL, true, false), zeroing = new Plan(model, BATCH, POOL, true, true);
    for (int k = 0; k < 3; k++) {  // the same data into both, three steps running
      List<float[]> got = step(writing, new Random(10 + k)), want = step(zeroing, new Random(10 + k));
      for (int g = 0; g < want.size(); g++) {
        float[] a = got.get(g), b = want.get(g);
        for (int i = 0; i < b.length; i++) {
          assertThat(a[i] == b[i]).as("step %d, gradient %d (0: the input's), element %d: %s against %s", k, g, i, a[i], b[i])
              .isTrue();
        }
      }
    }
  }
}
