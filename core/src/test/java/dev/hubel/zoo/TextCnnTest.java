package dev.hubel.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.data.Dataset;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.train.EpochResult;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.Trainer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextCnnTest {

  /**
   * V*D (the word vectors) + sum over widths w of 3, 4, 5: (w*D)*100 + 100 + 300*K + K. The model's
   * count must equal both the formula and the number worked out by hand in the table.
   */
  @ParameterizedTest(name = "V={0} L={1} D={2} K={3}: {4}")
  @CsvSource(delimiter = '|', textBlock = """
      20000 | 56 | 300 | 2 | 6360902 | defaults: 6,000,000 + 90,100 + 120,100 + 150,100 + 602
      18765 | 56 | 300 | 2 | 5990402 | Kim's MR vocabulary: 5,629,500 + 360,300 + 602
      20000 | 64 | 300 | 2 | 6360902 | Kim's padded sentences (56 + 2*4): the length adds no parameters
      11    | 9  | 6   | 3 | 8469    | the golden file's: 66 + 1,900 + 2,500 + 3,100 + 903
      """)
  void parameterCount(int vocabulary, int length, int dim, int classes, long byHand, String how) {
    long formula = (long) vocabulary * dim;
    for (int w : new int[] {3, 4, 5}) formula += (long) w * dim * 100 + 100;
    formula += 300L * classes + classes;
    assertThat(formula).as(how).isEqualTo(byHand);
    assertThat(TextCnn.build(vocabulary, length, dim, classes).paramCount()).as(how).isEqualTo(byHand);
  }

  @Test
  void summaryMatchesItsSnapshot() {
    assertThat(TextCnn.build().summary()).isEqualTo(Snapshots.read("textcnn-summary.txt"));
  }

  /** The default model, full size (cheap: a sentence is small), forward and backward on random ids. */
  @Test
  void everyParameterGetsAFiniteNonZeroGradient() {
    Model model = TextCnn.build().initialize(Init.HE, 3);
    int n = 4, length = TextCnn.SENTENCE_LENGTH;
    SplittableRandom rnd = new SplittableRandom(5);
    float[] ids = new float[n * length];
    for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(TextCnn.VOCABULARY);
    Plan plan = model.compile(n, new WorkerPool(2));
    plan.load(ids, Shape.vector(length), n);
    float loss = plan.trainStep(n, new int[] {0, 1, 1, 0});
    assertThat(loss).isFinite().isPositive();
    for (Param p : model.params()) {
      boolean nonZero = false;
      for (float g : p.grad()) {
        assertThat(g).as(p.name()).isFinite();
        nonZero |= g != 0f;
      }
      assertThat(nonZero).as("%s has a non-zero gradient", p.name()).isTrue();
    }
  }

  /**
   * A task the network's shape suits: is token 7 in the sentence? One filter that fires on 7 and
   * max over time answer it wherever the 7 is. Trained from scratch, it must learn it, and tell
   * sentences it never saw apart.
   */
  @Test
  void learnsWhetherATokenAppears() {
    Dataset train = sentencesWithOrWithoutSeven("train", 128, 1);
    Dataset test = sentencesWithOrWithoutSeven("test", 128, 2);
    Model model = TextCnn.build(20, 12, 8, 2).initialize(Init.HE, 7);
    List<EpochResult> epochs = Trainer.fit(model, train, new TrainConfig(6, 16, 0.02f, 0.9f, 0f, 11), null);
    double first = epochs.get(0).loss(), last = epochs.get(epochs.size() - 1).loss();
    assertThat(last).as("mean training loss, first epoch %.3f", first).isLessThan(first / 4);
    assertThat(Trainer.accuracy(model, test, 64)).as("accuracy on sentences never seen").isGreaterThanOrEqualTo(0.95);
  }

  /** Sentences of 12 ids from 0..19; half of them (label 1) hold one 7, at a random place, the others none. */
  private static Dataset sentencesWithOrWithoutSeven(String name, int count, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int length = 12;
    float[] ids = new float[count * length];
    int[] labels = new int[count];
    for (int s = 0; s < count; s++) {
      for (int t = 0; t < length; t++) {
        int id = rnd.nextInt(19);
        ids[s * length + t] = id >= 7 ? id + 1 : id;  // any token but 7
      }
      labels[s] = s % 2;
      if (labels[s] == 1) ids[s * length + rnd.nextInt(length)] = 7;
    }
    return new Dataset(name, Shape.vector(length), ids, labels, new String[] {"no 7", "has a 7"});
  }
}
