package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hubel.model.Normalization;
import dev.hubel.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {

  /** n random 2x5x5 images; example i is labelled i % 3. */
  static Dataset images(int n) {
    SplittableRandom rng = new SplittableRandom(n);
    float[] x = new float[n * 50];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(0, 255);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % 3;
    return new Dataset("pics", Shape.chw(2, 5, 5), x, y, new String[] {"a", "b", "c"});
  }

  /** What one epoch delivers: per batch, its example indices, labels and images (copied). */
  private record Seen(List<int[]> examples, List<int[]> labels, List<float[]> images) {}

  private static Seen epoch(BatchLoader loader, int epoch) {
    Seen s = new Seen(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    loader.begin(epoch);
    for (Batch b; (b = loader.next()) != null; ) {
      assertThat(b.epoch()).isEqualTo(epoch);
      assertThat(b.number()).isEqualTo(s.examples().size());
      s.examples().add(Arrays.copyOf(b.examples(), b.count()));
      s.labels().add(Arrays.copyOf(b.labels(), b.count()));
      s.images().add(Arrays.copyOf(b.images(), b.count() * 50));
    }
    return s;
  }

  private static void assertSame(Seen a, Seen b) {
    assertThat(a.examples()).hasSameSizeAs(b.examples());
    for (int i = 0; i < a.examples().size(); i++) {
      assertThat(a.examples().get(i)).containsExactly(b.examples().get(i));
      assertThat(a.labels().get(i)).containsExactly(b.labels().get(i));
      assertThat(a.images().get(i)).containsExactly(b.images().get(i));
    }
  }

  @ParameterizedTest(name = "prefetch {0}")
  @ValueSource(booleans = {false, true})
  void everyExampleOncePerEpochInBatchesWithAPartialLastOne(boolean prefetch) {
    Dataset d = images(10);
    try (BatchLoader loader = new BatchLoader(d, 4).shuffle(1).prefetch(prefetch)) {
      assertThat(loader.batches()).isEqualTo(3);
      for (int epoch = 1; epoch <= 3; epoch++) {
        Seen s = epoch(loader, epoch);
        assertThat(s.examples()).extracting(e -> e.length).containsExactly(4, 4, 2);
        int[] all = s.examples().stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).containsExactly(IntStream.range(0, 10).toArray());
        for (int i = 0; i < s.examples().size(); i++) {
          int[] ex = s.examples().get(i);
          for (int j = 0; j < ex.length; j++) {
            assertThat(s.labels().get(i)[j]).isEqualTo(ex[j] % 3);
            assertThat(Arrays.copyOfRange(s.images().get(i), j * 50, (j + 1) * 50)).containsExactly(d.example(ex[j]));
          }
        }
      }
    }
  }

  @Test
  void withoutShuffleBatchesFollowTheListedOrder() {
    try (BatchLoader loader = new BatchLoader(images(10), new int[] {7, 2, 9}, 2)) {
      Seen s = epoch(loader, 5);
      assertThat(s.examples()).containsExactly(new int[] {7, 2}, new int[] {9});
    }
  }

  @Test
  void theOrderDependsOnSeedAndEpochAlone() {
    Dataset d = images(40);
    List<int[]> orders = new ArrayList<>();
    try (BatchLoader a = new BatchLoader(d, 40).shuffle(9)) {
      for (int epoch = 1; epoch <= 3; epoch++) orders.add(epoch(a, epoch).examples().getFirst());
    }
    try (BatchLoader fresh = new BatchLoader(d, 40).shuffle(9)) {
      // epoch 3 straight away, as a run resumed after epoch 2 would ask for it
      assertThat(epoch(fresh, 3).examples().getFirst()).containsExactly(orders.get(2));
    }
    try (BatchLoader other = new BatchLoader(d, 40).shuffle(10)) {
      assertThat(epoch(other, 1).examples().getFirst()).isNotEqualTo(orders.get(0));
    }
    assertThat(orders.get(0)).isNotEqualTo(orders.get(1));
    assertThat(orders.get(0)).isNotEqualTo(IntStream.range(0, 40).toArray());
  }

  @Test
  void batchesAreIdenticalWithAndWithoutPrefetch() {
    Dataset d = images(23);
    Normalization n = ChannelStatistics.of(d);
    for (int epoch = 1; epoch <= 3; epoch++) {
      try (BatchLoader plain = new BatchLoader(d, 5).shuffle(4).augment(new Augmentation(2, true, 1)).normalize(n).prefetch(false);
           BatchLoader ahead = new BatchLoader(d, 5).shuffle(4).augment(new Augmentation(2, true, 1)).normalize(n).prefetch(true)) {
        assertSame(epoch(plain, epoch), epoch(ahead, epoch));
      }
    }
  }

  @Test
  void anExamplesAugmentationDependsOnSeedEpochAndIndexNotOnItsBatch() {
    Dataset d = images(12);
    Augmentation aug = new Augmentation(2, true, 1);
    Map<Integer, float[]> bySmallBatches = augmented(d, 3, aug, 8, 2);
    Map<Integer, float[]> byOneBatch = augmented(d, 12, aug, 8, 2);
    Map<Integer, float[]> otherEpoch = augmented(d, 12, aug, 8, 3);
    int differ = 0;
    for (int i = 0; i < 12; i++) {
      assertThat(byOneBatch.get(i)).containsExactly(bySmallBatches.get(i));
      if (!Arrays.equals(byOneBatch.get(i), otherEpoch.get(i))) differ++;
      assertThat(byOneBatch.get(i)).isNotEqualTo(d.example(i));  // 25 x 2 draws, all off: most unlikely unless broken
    }
    assertThat(differ).isGreaterThan(6);
  }

  private static Map<Integer, float[]> augmented(Dataset d, int batch, Augmentation aug, long seed, int epoch) {
    Map<Integer, float[]> out = new HashMap<>();
    try (BatchLoader loader = new BatchLoader(d, batch).shuffle(seed).augment(aug)) {
      Seen s = epoch(loader, epoch);
      for (int b = 0; b < s.examples().size(); b++) {
        int[] ex = s.examples().get(b);
        for (int j = 0; j < ex.length; j++) out.put(ex[j], Arrays.copyOfRange(s.images().get(b), j * 50, (j + 1) * 50));
      }
    }
    return out;
  }

  @Test
  void flipOnlyGivesTheImageOrItsMirror() {
    Dataset d = images(30);
    Map<Integer, float[]> out = augmented(d, 7, new Augmentation(0, true, 0), 1, 1);
    int mirrored = 0;
    for (int i = 0; i < 30; i++) {
      float[] x = d.example(i), mirror = new float[50];
      for (int c = 0; c < 2; c++) {
        for (int y = 0; y < 5; y++) for (int col = 0; col < 5; col++) mirror[c * 25 + y * 5 + col] = x[c * 25 + y * 5 + 4 - col];
      }
      if (Arrays.equals(out.get(i), mirror)) mirrored++;
      else assertThat(out.get(i)).containsExactly(x);
    }
    assertThat(mirrored).isBetween(5, 25);
  }

  @Test
  void cropOnlyGivesAShiftOfTheImageWithZerosAround() {
    Dataset d = images(20);
    Map<Integer, float[]> out = augmented(d, 6, new Augmentation(1, false, 0), 3, 1);
    for (int i = 0; i < 20; i++) {
      float[] x = d.example(i);
      boolean found = false;
      for (int dy = -1; dy <= 1 && !found; dy++) {
        for (int dx = -1; dx <= 1 && !found; dx++) {
          float[] shifted = new float[50];
          for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 5; y++) {
              for (int col = 0; col < 5; col++) {
                int sy = y + dy, sx = col + dx;
                shifted[c * 25 + y * 5 + col] = sy < 0 || sy >= 5 || sx < 0 || sx >= 5 ? 0 : x[c * 25 + sy * 5 + sx];
              }
            }
          }
          found = Arrays.equals(out.get(i), shifted);
        }
      }
      assertThat(found).as("example %d is one of the 9 crops of the image padded by 1", i).isTrue();
    }
  }

  @Test
  void normalisesEachChannelAsADirectComputationDoes() {
    Dataset d = images(9);
    Normalization n = new Normalization(new float[] {100, 20}, new float[] {50, 4});
    try (BatchLoader loader = new BatchLoader(d, 4).normalize(n)) {
      Seen s = epoch(loader, 1);
      for (int b = 0; b < s.examples().size(); b++) {
        int[] ex = s.examples().get(b);
        for (int j = 0; j < ex.length; j++) {
          float[] x = d.example(ex[j]);
          for (int p = 0; p < 50; p++) {
            int c = p / 25;
            float direct = (x[p] - n.mean()[c]) / n.std()[c];
            assertThat(s.images().get(b)[j * 50 + p]).isCloseTo(direct, within(1e-5f));
          }
        }
      }
    }
  }

  @Test
  void refusesMisuseWithMessagesThatSayWhatToDo() {
    Dataset d = images(5);
    assertThatThrownBy(() -> new BatchLoader(d, 0)).hasMessage("batch size must be at least 1, received 0");
    assertThatThrownBy(() -> new BatchLoader(d, new int[] {1, 5}, 2))
        .isInstanceOf(DataException.class).hasMessage("dataset pics: example index 5 at position 1 is outside 0..4");
    assertThatThrownBy(() -> new BatchLoader(d, new int[0], 2))
        .isInstanceOf(DataException.class).hasMessage("dataset pics: no examples to make batches of");
    assertThatThrownBy(() -> new BatchLoader(d, 2).normalize(Normalization.identity(3)))
        .isInstanceOf(DataException.class).hasMessage("dataset pics has 2 channels per example; a normalisation for 3 does not fit it");
    assertThatThrownBy(() -> new BatchLoader(d, 2).augment(new Augmentation(5, false, 0)))
        .isInstanceOf(DataException.class).hasMessageStartingWith("dataset pics: crop padding 5 and translation 0 must be below");
    for (boolean prefetch : new boolean[] {false, true}) {
      try (BatchLoader loader = new BatchLoader(d, 2).prefetch(prefetch)) {
        assertThatThrownBy(loader::next).hasMessage("call begin(epoch) before next()");
        loader.begin(1);
        loader.next();
        assertThatThrownBy(() -> loader.begin(2)).isInstanceOf(IllegalStateException.class)
            .hasMessage("dataset pics: epoch 1 has batches unread; read an epoch to its end (next() returns null) before beginning another");
        assertThatThrownBy(() -> loader.shuffle(3)).hasMessage("set a loader up before its first begin()");
      }
    }
  }
}
