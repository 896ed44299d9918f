package dev.hubel.train;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.flatten;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.data.Augmentation;
import dev.hubel.data.Dataset;
import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The training loop as a whole (prefetching loader with augmentation and normalisation, step,
 * optimiser, listeners' progress) allocates nothing per batch, on any of its threads.
 */
class RunAllocationTest {

  static Stream<Arguments> configs() {
    // 6 epochs of 270 batches: the last is measured. In a cold JVM three were not enough: until C2
    // has compiled the loop (and scalar-replaced its short-lived objects) it allocated 60 MB.
    TrainConfig sgd = new TrainConfig(6, 4, 0.01f, 0.9f, 5e-4f, 1)
        .withValidation(0.1).withAugmentation(new Augmentation(2, true, 1)).withNormalize(true);
    return Stream.of(
        Arguments.of("SGD, crops, flips, translation", sgd),
        Arguments.of("Adam, warm-up, plateau, smoothing, clipping, lighting", sgd
            .withOptimizer(OptimizerConfig.adam(1e-3f, 1e-4f))
            .withSchedule(ScheduleConfig.plateau(0.1f, 0, 1e-5f).withWarmup(1, 0.1f))
            .withLabelSmoothing(0.1f).withClipNorm(1f).withAugmentation(new Augmentation(2, true, 1, 0.1f))),
        Arguments.of("RMSprop centered with momentum, cosine", sgd
            .withOptimizer(OptimizerConfig.rmsProp(1e-3f, 1e-4f).withMomentum(0.9f).withCentered(true))
            .withSchedule(ScheduleConfig.cosine(0))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void aWarmEpochAllocatesNothingPerBatch(String name, TrainConfig cfg) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
    SplittableRandom rng = new SplittableRandom(2);
    int n = 1200;
    float[] x = new float[n * 2 * 8 * 8];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(3);
    Dataset data = new Dataset("alloc", Shape.chw(2, 8, 8), x, y, new String[] {"a", "b", "c"});
    Model model = Model.of("small", dense(flatten(maxPool(relu(conv2d(input(2, 8, 8), 4, 3, 1, 1)), 2, 2)), 3));

    long[] ids = new long[0];
    long[] window = new long[2];
    long[] before = new long[1];
    new TrainingRun(model, data, cfg).control(new TrainingControl()).listen(new RunListener() {  // an idle control allocates nothing either
      long[] tids;

      @Override
      public void batchEnded(BatchProgress p) {
        if (p.epoch() != 6) return;  // epochs 1 to 5 warm up: JIT, class loading
        if (p.batch() == 20) {
          tids = Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().startsWith("hubel-") || t == Thread.currentThread())
              .mapToLong(Thread::threadId).toArray();
          before[0] = total(threads, tids);
        } else if (p.batch() == 250) {
          window[0] = total(threads, tids) - before[0];
          window[1] = tids.length;
        }
      }
    }).train();
    assertThat(window[1]).as("threads watched: this one, the workers and the prefetcher").isGreaterThanOrEqualTo(2);
    assertThat(window[0]).as("bytes allocated over 230 batches on %d threads", window[1]).isLessThan(1024);
  }

  private static long total(com.sun.management.ThreadMXBean threads, long[] ids) {
    long sum = 0;
    for (long id : ids) sum += Math.max(0, threads.getThreadAllocatedBytes(id));
    return sum;
  }
}
