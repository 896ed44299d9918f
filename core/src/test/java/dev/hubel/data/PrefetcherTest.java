package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.tensor.Shape;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrefetcherTest {

  private static Thread thread(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst().orElse(null);
  }

  @Test
  void aFailureWhilePreparingABatchReachesTheConsumerAfterTheGoodOnes() {
    Batch[] ring = {new Batch(1, 1), new Batch(1, 1), new Batch(1, 1)};
    IllegalStateException boom = new IllegalStateException("disk on fire");
    try (Prefetcher p = new Prefetcher(ring, (b, epoch, number) -> {
      if (number == 2) throw boom;
      b.count = 1;
      b.number = number;
    }, "test-prefetch-failing")) {
      p.begin(4, 5);
      assertThat(p.next().number()).isEqualTo(0);
      assertThat(p.next().number()).isEqualTo(1);
      assertThatThrownBy(p::next)
          .isInstanceOf(DataException.class)
          .hasMessage("test-prefetch-failing: preparing batch 2 of epoch 4 failed: disk on fire")
          .hasCause(boom);
    }
  }

  @Test
  void closeEndsTheDaemonThreadEvenMidEpoch() throws InterruptedException {
    Batch[] ring = {new Batch(1, 1), new Batch(1, 1)};
    Prefetcher p = new Prefetcher(ring, (b, epoch, number) -> b.number = number, "test-prefetch-closing");
    p.begin(1, 1000);
    p.next();  // the producer is now waiting for a free slot
    Thread producer = thread("test-prefetch-closing");
    assertThat(producer).isNotNull();
    assertThat(producer.isDaemon()).isTrue();
    p.close();
    assertThat(producer.isAlive()).isFalse();
    p.close();  // twice is harmless
    assertThatThrownBy(p::next).hasMessage("test-prefetch-closing is closed");
  }

  @Test
  void aLoaderThatWasClosedLeavesNoThreadBehind() {
    Dataset d = BatchLoaderTest.images(10);
    try (BatchLoader loader = new BatchLoader(d, 3)) {
      loader.begin(1);
      while (loader.next() != null) { }
      assertThat(thread("hubel-prefetch-pics")).isNotNull();
    }
    assertThat(thread("hubel-prefetch-pics")).isNull();
  }

  @Test
  void prefetchingAllocatesNothingPerBatch() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
    SplittableRandom rng = new SplittableRandom(1);
    int n = 256;
    float[] x = new float[n * 3 * 8 * 8];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
    Dataset d = new Dataset("alloc", Shape.chw(3, 8, 8), x, new int[n], new String[] {"only"});
    try (BatchLoader loader = new BatchLoader(d, 16).shuffle(5).augment(new Augmentation(2, true, 1))
        .normalize(ChannelStatistics.of(d))) {
      for (int epoch = 1; epoch <= 30; epoch++) drain(loader, epoch);  // warm-up: JIT, class loading
      long producer = thread("hubel-prefetch-alloc").threadId(), me = Thread.currentThread().threadId();
      long[] ids = {producer, me};
      long[] before = threads.getThreadAllocatedBytes(ids);
      for (int epoch = 31; epoch <= 40; epoch++) drain(loader, epoch);  // 160 batches
      long[] after = threads.getThreadAllocatedBytes(ids);
      assertThat(after[0] - before[0] + after[1] - before[1])
          .as("bytes allocated over 160 batches: producer %d, consumer %d", after[0] - before[0], after[1] - before[1])
          .isLessThan(1024);
    }
  }

  private static float drain(BatchLoader loader, int epoch) {
    float sum = 0;
    loader.begin(epoch);
    for (Batch b; (b = loader.next()) != null; ) sum += b.images()[0];
    return sum;
  }

  @Test
  void keepsUpWithAConsumerThatReadsFast() {
    Batch[] ring = {new Batch(4, 2), new Batch(4, 2), new Batch(4, 2)};
    try (Prefetcher p = new Prefetcher(ring, (b, epoch, number) -> {
      Arrays.fill(b.images, epoch * 10_000 + number);
      b.count = 4;
      b.number = number;
    }, "test-prefetch-order")) {
      for (int epoch = 1; epoch <= 20; epoch++) {
        p.begin(epoch, 50);
        for (int i = 0; i < 50; i++) {
          Batch b = p.next();
          assertThat(b.number()).isEqualTo(i);
          assertThat(b.images()[7]).isEqualTo(epoch * 10_000 + i);
        }
        assertThat(p.next()).isNull();
      }
    }
  }
}
