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
import dev.hubel.tensor.Role;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An inference pass writes each ReLU's output from the batch norm or residual add that alone
 * feeds it, and skips the ReLU; a residual add after a convolution's norm is done by that
 * convolution where it can; what it leaves unwritten is made when someone looks.
 */
class ReluFusionTest {
  private static final WorkerPool POOL = new WorkerPool(2);
  private static final int C = 20;

  private Node conv, bn, bnRelu, bn2, sum, sumRelu, shared, sharedRelu;

  /** A residual block, and a batch norm read by two nodes (so not fused) at its end. */
  private Model block() {
    // 20 filters: lowered convolutions, whose products finish with the norm, the shortcut and the ReLU
    // (ConvPathRules: 16 or fewer would take the implicit GEMM, which fuses no shortcut)
    Node x = input(C, 6, 6);
    conv = conv2d(x, C, 3, 3, 1, 1, Fit.EXACT, false);
    bn = batchNorm(conv);
    bnRelu = relu(bn);
    bn2 = batchNorm(conv2d(bnRelu, C, 3, 3, 1, 1, Fit.EXACT, false));
    sum = add(bn2, x);
    sumRelu = relu(sum);
    shared = batchNorm(sumRelu);
    sharedRelu = relu(shared);
    return Model.of("block", add(sharedRelu, shared));
  }

  private static void randomize(Model model, Random rnd) {
    for (Param p : model.params()) {
      float[] v = p.value();
      for (int i = 0; i < v.length; i++) {
        v[i] = switch (p.role()) {
          case RUNNING_VAR -> 0.5f + rnd.nextFloat();
          case SCALE -> 0.5f + rnd.nextFloat();
          default -> rnd.nextFloat() - 0.5f;  // half the values below zero, so ReLU has work
        };
      }
    }
  }

  @Test
  void inferenceWritesEveryReluAsTheStepsApartWould() {
    Model model = block();
    Random rnd = new Random(3);
    randomize(model, rnd);
    Plan plan = model.compile(3, POOL);
    for (int i = 0; i < 3 * C * 36; i++) plan.input()[i] = rnd.nextFloat() - 0.5f;
    plan.setProfiling(true);
    plan.forward(3, false);
    for (Plan.StepTime t : plan.profile(1)) {  // the steps folded into a convolution, or into their input, did not run
      if (t.node().equals(sharedRelu.name())) assertThat(t.forwardMillis()).isPositive();
      // the second convolution adds the shortcut after its norm, and takes the ReLU after that
      boolean skipped = t.node().equals(bn.name()) || t.node().equals(bnRelu.name()) || t.node().equals(bn2.name())
          || t.node().equals(sum.name()) || t.node().equals(sumRelu.name());
      if (skipped) assertThat(t.forwardMillis()).as("%s, fused away", t.node()).isZero();
    }
    plan.setProfiling(false);
    float[] first = plan.output().clone();
    Node[][] pairs = {{bn, bnRelu}, {sum, sumRelu}, {shared, sharedRelu}};
    float[][] written = new float[pairs.length][];
    for (int k = 0; k < pairs.length; k++) written[k] = plan.activations(pairs[k][1]).clone();  // as the fused pass wrote them

    for (int k = 0; k < pairs.length; k++) {
      Node[] pair = pairs[k];
      float[] in = plan.activations(pair[0]), out = written[k];  // the first, unwritten, makes the pass again unfused
      int negative = 0;
      for (int i = 0; i < 3 * C * 36; i++) {
        assertThat(Float.floatToRawIntBits(out[i])).as("%s at %d", pair[1].name(), i)
            .isEqualTo(Float.floatToRawIntBits(Math.max(0f, in[i])));
        if (in[i] < 0) negative++;
      }
      assertThat(negative).as("values of %s that its ReLU zeroes", pair[0].name()).isPositive();
    }
    assertThat(plan.output()).as("the output, unfused").containsExactly(first);
    // The batch norm with two readers is not fused: the last add read its output as written.
    float[] sharedOut = plan.activations(shared), sharedReluOut = plan.activations(sharedRelu);
    for (int i = 0; i < 3 * C * 36; i++) assertThat(first[i]).isEqualTo(sharedReluOut[i] + sharedOut[i]);
    // A second inference pass gives the same output; a training pass, never fused, writes both.
    plan.forward(3, false);
    assertThat(plan.output()).containsExactly(first);
    plan.forward(3, true);
    float[] in = plan.activations(bn), out = plan.activations(bnRelu);
    for (int i = 0; i < 3 * C * 36; i++) assertThat(out[i]).isEqualTo(Math.max(0f, in[i]));
  }

  @Test
  void aStaleOutputIsMadeAgainOnlyForTheLastPass() {
    Model model = block();
    Random rnd = new Random(4);
    randomize(model, rnd);
    Plan plan = model.compile(2, POOL);
    for (int i = 0; i < 2 * C * 36; i++) plan.input()[i] = rnd.nextFloat() - 0.5f;
    plan.forward(2, false);
    float[] bnFirst = plan.activations(bn).clone();
    for (int i = 0; i < 2 * C * 36; i++) plan.input()[i] = rnd.nextFloat() - 0.5f;
    plan.forward(2, false);
    float[] bnSecond = plan.activations(bn);
    assertThat(bnSecond).isNotEqualTo(bnFirst);  // the new batch's, not the one from before
    float[] relu = plan.activations(bnRelu);
    for (int i = 0; i < 2 * C * 36; i++) assertThat(relu[i]).isEqualTo(Math.max(0f, bnSecond[i]));
    assertThat(plan.firstNonFiniteOutput(2)).isNull();
    assertThat(model.params()).anyMatch(p -> p.role() == Role.RUNNING_MEAN);
  }

  /**
   * A bottleneck's end: a 1x1 convolution, then the main branch's last convolution and norm, and a
   * projection (convolution, norm) of the block's input, added and clamped. Whichever of the two
   * convolutions comes second in the plan adds the other branch as it writes, the add and its ReLU
   * are skipped, and the bits are those of the steps apart. When both are implicit (3x3, 16
   * filters and more), neither can, and the add runs.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}x{0} convolutions, fused: {1}")
  @org.junit.jupiter.params.provider.CsvSource({"1, true", "3, false"})
  void aResidualAddIsFusedIntoTheConvolutionThatComesSecond(int size, boolean fused) {
    Node x = input(8, 7, 7);
    Node first = relu(batchNorm(conv2d(x, 8, 1, 1, 1, 0, Fit.EXACT, false)));
    Node main = batchNorm(conv2d(first, 16, size, size, 1, size / 2, Fit.EXACT, false));
    Node projection = batchNorm(conv2d(x, 16, size, size, 1, size / 2, Fit.EXACT, false));
    Node joined = add(main, projection);
    Node out = relu(joined);
    Model model = Model.of("bottleneck", out);
    Random rnd = new Random(size);
    randomize(model, rnd);
    Plan plan = model.compile(3, POOL);
    for (int i = 0; i < 3 * 8 * 49; i++) plan.input()[i] = rnd.nextFloat() - 0.5f;
    plan.setProfiling(true);
    plan.forward(3, false);
    for (Plan.StepTime t : plan.profile(1)) {  // the ReLU is skipped either way: the add takes it when it runs
      if (t.node().equals(joined.name())) assertThat(t.forwardMillis() == 0).as("the add skipped").isEqualTo(fused);
      if (t.node().equals(out.name())) assertThat(t.forwardMillis()).as("the ReLU skipped").isZero();
    }
    plan.setProfiling(false);
    float[] written = plan.output().clone();
    float[] a = plan.activations(main), b = plan.activations(projection);  // made now, unfused
    int negative = 0;
    for (int i = 0; i < 3 * 16 * 49; i++) {
      assertThat(Float.floatToRawIntBits(written[i])).as("at %d", i).isEqualTo(Float.floatToRawIntBits(Math.max(0f, a[i] + b[i])));
      if (a[i] + b[i] < 0) negative++;
    }
    assertThat(negative).as("sums the ReLU zeroes").isPositive();
    assertThat(plan.activations(joined)).as("the add's own output, made unfused").satisfies(sum -> {
      for (int i = 0; i < 3 * 16 * 49; i++) assertThat(sum[i]).isEqualTo(a[i] + b[i]);
    });
  }

  /** A convolution on each of its paths, with a bias and a ReLU after it, or a batch norm and a ReLU. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource({
      "lowered (stride 2), 8, 9, 12, 3, 2, 1, 2",
      "implicit over phases (stride 2), 8, 9, 16, 3, 2, 1, 2",
      "implicit, 8, 9, 16, 3, 1, 1, 2",
      "1x1 as a plain product, 8, 9, 16, 1, 1, 0, 2",
      "Winograd (64 channels and more over 128 tiles and more), 128, 6, 130, 3, 1, 1, 32",
  })
  void aConvolutionWritesItsReluOnEveryPath(String path, int c, int side, int filters, int size, int stride, int pad, int n) {
    check(path, c, side, filters, size, stride, pad, n, false);
    check(path + ", with batch norm", c, side, filters, size, stride, pad, n, true);
  }

  private void check(String path, int c, int side, int filters, int size, int stride, int pad, int n, boolean norm) {
    Node x = input(c, side, side);
    Node conv = conv2d(x, filters, size, size, stride, pad, Fit.FLOOR, !norm);
    Node y = norm ? batchNorm(conv) : conv;
    Node r = relu(y);
    Model model = Model.of("conv", r);
    Random rnd = new Random(filters * 7L + size);
    randomize(model, rnd);
    Plan plan = model.compile(n, POOL);
    int in = n * c * side * side;
    for (int i = 0; i < in; i++) plan.input()[i] = rnd.nextFloat() - 0.5f;
    plan.forward(n, false);
    float[] fused = plan.activations(r).clone();
    float[] before = plan.activations(y);  // made now, unfused
    int size2 = n * y.shape().size(), negative = 0;
    for (int i = 0; i < size2; i++) {
      assertThat(Float.floatToRawIntBits(fused[i])).as("%s at %d", path, i).isEqualTo(Float.floatToRawIntBits(Math.max(0f, before[i])));
      if (before[i] < 0) negative++;
    }
    assertThat(negative).as("outputs the ReLU zeroes").isPositive();
    if (!norm) {  // a training pass writes both, unfused: the same values (batch norm would use the batch's statistics)
      plan.forward(n, true);
      assertThat(plan.activations(r)).containsExactly(fused);
    }
  }
}
