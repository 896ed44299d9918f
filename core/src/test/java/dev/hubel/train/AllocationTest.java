package dev.hubel.train;

import static dev.hubel.model.Layers.add;
import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.concat;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.globalAvgPool;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.lrn;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.padChannels;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.data.Dataset;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Plan;
import dev.hubel.op.Fit;
import dev.hubel.zoo.LeNet5;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The promise in Plan's javadoc: once compiled and warm, a training step allocates nothing. */
class AllocationTest {

  private static final int BATCH = 8;

  @Test
  void aWarmTrainingStepAllocatesNothing() {
    assertWarmStepsAllocateNothing(LeNet5.build().initialize(Init.HE, 1));
  }

  private static void assertWarmStepsAllocateNothing(Model model) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);

    WorkerPool pool = new WorkerPool(2);  // one worker thread besides this one
    Plan plan = model.compile(BATCH, pool);
    Sgd sgd = new Sgd(model.params(), 0.01f, 0.9f, 5e-4f);
    Dataset data = DeterminismTest.noise(64, 5);
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    int[] labels = new int[BATCH];

    for (int i = 0; i < 300; i++) step(data, order, i, plan, labels, sgd);  // warm-up: JIT, class loading

    long[] ids = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("hubel-worker-"))
        .mapToLong(Thread::threadId).toArray();
    assertThat(ids).isNotEmpty();
    long[] bytes = allocatedInRounds(threads, ids, () -> {
      for (int i = 0; i < 50; i++) step(data, order, i, plan, labels, sgd);
    });
    assertThat(bytes[0] + bytes[1])
        .as("bytes allocated over 50 steps (round %d): %d on the calling thread, %d on %d workers %s", bytes[2],
            bytes[0], bytes[1], ids.length, Arrays.toString(ids))
        .isLessThan(1024);
  }

  /**
   * Runs steps in rounds until one allocates nothing, {@link #MEASURED_ROUNDS} at most; returns
   * the last round's bytes on this thread and on the workers (ids), and the rounds run.
   */
  private static long[] allocatedInRounds(com.sun.management.ThreadMXBean threads, long[] ids, Runnable steps) {
    long me = Thread.currentThread().threadId();
    long caller, workers;
    int round = 0;
    do {
      long[] workersBefore = threads.getThreadAllocatedBytes(ids);
      long before = threads.getThreadAllocatedBytes(me);
      steps.run();
      caller = threads.getThreadAllocatedBytes(me) - before;
      long[] workersAfter = threads.getThreadAllocatedBytes(ids);
      workers = 0;
      for (int i = 0; i < ids.length; i++) {
        if (workersBefore[i] >= 0 && workersAfter[i] >= 0) workers += workersAfter[i] - workersBefore[i];
      }
    } while (++round < MEASURED_ROUNDS && caller + workers >= 1024);
    return new long[] {caller, workers, round};
  }

  private static void step(Dataset data, int[] order, int i, Plan plan, int[] labels, Sgd sgd) {
    int at = (i * BATCH) % order.length;
    data.copyBatch(order, at, BATCH, plan.input(), labels);
    plan.trainStep(BATCH, labels);
    sgd.step();
  }

  /** AlexNet's layers on LeNet's 32x32 input: LRN, a grouped convolution and dropout, small enough to warm up quickly. */
  @Test
  void aWarmTrainingStepThroughLrnGroupedConvAndDropoutAllocatesNothing() {
    Node x = relu(conv2d(input(1, 32, 32), 8, 5, 1, 0));   // 28x28x8
    x = lrn(maxPool(x, 2, 2), 5, 1e-4, 0.75, 2);             // 14x14x8
    x = relu(conv2d(x, 8, 3, 1, 1, 2));                      // 14x14x8, 2 groups
    x = dropout(relu(dense(x, 32)), 0.5);
    assertWarmStepsAllocateNothing(Model.of("AlexNet's layers", dense(x, 10)).initialize(Init.HE, 1));
  }

  // ---- the sentence CNN and the AlphaGo policy network, at reduced size ----

  @Test
  void warmTrainingStepsOfTextCnnAndAlphaGoPolicyAllocateNothing() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
    float[] ids = new float[BATCH * 20];
    for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(100);
    assertTrainingStepsAllocateNothing(dev.hubel.zoo.TextCnn.build(100, 20, 16, 2), ids, new int[] {0, 1, 1, 0, 1, 0, 0, 1});
    float[] planes = new float[BATCH * 48 * 9 * 9];
    for (int i = 0; i < planes.length; i++) planes[i] = rnd.nextInt(2);
    assertTrainingStepsAllocateNothing(dev.hubel.zoo.AlphaGoPolicy.build(9, 8), planes, new int[] {0, 10, 20, 30, 40, 50, 60, 80});
  }

  /**
   * Stride-1 convolutions as implicit GEMMs (16 filters, 36 and 144 rows of lowering) and by
   * Winograd (128 channels into 130 filters over 32 x 4 tiles, forward, dx and dw): their
   * per-piece buffers and thread scratch are made once, in warm-up. The small model gets 1,000 warm-up
   * steps: after other test classes had run in the same JVM, C2 sometimes had not settled the
   * GEMM's new gathered paths by step 200 (deoptimised, recompiling), and C1's Vector API code
   * allocates. Alone it settles by step 100. The Winograd layers are heavier, so they get fewer
   * steps.
   */
  @Test
  void warmTrainingStepsThroughImplicitAndWinogradConvolutionsAllocateNothing() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};
    Node x = relu(conv2d(input(4, 12, 12), 16, 3, 1, 1));
    x = relu(conv2d(x, 16, 3, 1, 1));
    Model implicit = Model.of("implicit convolutions", dense(x, 10));
    float[] small = new float[BATCH * 4 * 12 * 12];
    for (int i = 0; i < small.length; i++) small[i] = (float) rnd.nextGaussian();
    assertTrainingStepsAllocateNothing(implicit, small, labels, 1000, 50);
    Node y = relu(conv2d(input(128, 6, 6), 130, 3, 1, 1));
    y = relu(conv2d(y, 130, 3, 1, 1));
    Model winograd = Model.of("Winograd convolutions", dense(y, 10));
    int images = 32;  // 128 tiles, enough for Winograd to pay: ConvPathsTest checks that this shape goes that way
    float[] big = new float[images * 128 * 6 * 6];
    for (int i = 0; i < big.length; i++) big[i] = (float) rnd.nextGaussian();
    int[] many = new int[images];
    for (int i = 0; i < images; i++) many[i] = i % 10;
    assertTrainingStepsAllocateNothing(winograd, big, many, images, 100, 10);
  }

  private static void assertTrainingStepsAllocateNothing(Model model, float[] x, int[] labels) {
    assertTrainingStepsAllocateNothing(model, x, labels, 200, 50);
  }

  private static void assertTrainingStepsAllocateNothing(Model model, float[] x, int[] labels, int warm, int measured) {
    assertTrainingStepsAllocateNothing(model, x, labels, BATCH, warm, measured);
  }

  /** As the LeNet-5 test: warm up, then count the bytes the measured steps allocate on the caller and the workers. */
  private static void assertTrainingStepsAllocateNothing(Model model, float[] x, int[] labels, int batch, int warm,
                                                         int measured) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
    WorkerPool pool = new WorkerPool(2);
    model.initialize(Init.HE, 1);
    Plan plan = model.compile(batch, pool);
    Sgd sgd = new Sgd(model.params(), 0.001f, 0.9f, 5e-4f);
    plan.load(x, model.inputShape(), batch);
    for (int i = 0; i < warm; i++) {
      plan.trainStep(batch, labels);
      sgd.step();
    }
    long[] ids = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("hubel-worker-")).mapToLong(Thread::threadId).toArray();
    long[] bytes = allocatedInRounds(threads, ids, () -> {
      for (int i = 0; i < measured; i++) {
        plan.trainStep(batch, labels);
        sgd.step();
      }
    });
    assertThat(bytes[0] + bytes[1]).as("%s: bytes allocated over %d steps (round %d): %d on the calling thread, %d on"
        + " the workers", model.name(), measured, bytes[2], bytes[0], bytes[1]).isLessThan(1024);
  }

  /**
   * Rounds of measured steps at most before an allocation counts as the steps' own. After a fixed
   * warm-up C2 may still be compiling a kernel, its vectors boxed meanwhile (on a busy host these
   * tests failed one run in three, 2026-12-04, with 40-90 MB over the measured steps); an
   * allocation in the steps themselves shows in every round.
   */
  private static final int MEASURED_ROUNDS = 6;

  /** ResNet's and GoogLeNet's layers on LeNet's 32x32 input: batch norm, add, zero channels, concat, global pooling. */
  @Test
  void aWarmTrainingStepThroughBranchesAllocatesNothing() {
    Node x = relu(batchNorm(conv2d(input(1, 32, 32), 4, 3, 3, 2, 1, Fit.FLOOR, false)));  // 16x16x4
    Node y = batchNorm(conv2d(x, 8, 3, 3, 2, 1, Fit.FLOOR, false));                       // 8x8x8
    x = relu(add(y, padChannels(maxPool(x, 1, 2, 0, Fit.FLOOR), 2, 2)));                  // 8x8x8, option A shortcut
    x = concat(relu(conv2d(x, 4, 1, 1, 0)), maxPool(x, 3, 1, 1, Fit.EXACT));              // 8x8x12
    assertWarmStepsAllocateNothing(Model.of("ResNet's and GoogLeNet's layers", dense(globalAvgPool(x), 10)).initialize(Init.HE, 1));
  }
}
