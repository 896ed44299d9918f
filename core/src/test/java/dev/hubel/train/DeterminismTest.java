package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.data.Dataset;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.LeNet5;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  private static String[] classNames(int k) {
    String[] names = new String[k];
    for (int i = 0; i < k; i++) names[i] = "class " + i;
    return names;
  }

  /** n random 32x32x1 images with random labels 0..9. */
  static Dataset noise(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * 32 * 32];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(10);
    return new Dataset("noise", Shape.chw(1, 32, 32), x, y, classNames(10));
  }

  /**
   * Four classes, told apart by which quadrant of the 32x32 image is bright, under noise: a
   * problem any CNN separates, so a working trainer must get it nearly all right.
   */
  static Dataset quadrants(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * 32 * 32];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(4);
      y[i] = k;
      int r0 = (k / 2) * 16, c0 = (k % 2) * 16;
      for (int r = 0; r < 32; r++) {
        for (int c = 0; c < 32; c++) {
          boolean lit = r >= r0 && r < r0 + 16 && c >= c0 && c < c0 + 16;
          x[i * 1024 + r * 32 + c] = (lit ? 1f : 0f) + 0.3f * (float) rng.nextGaussian();
        }
      }
    }
    return new Dataset("quadrants", Shape.chw(1, 32, 32), x, y, classNames(4));
  }

  private static float[][] train(long seed) {
    Model m = LeNet5.build().initialize(Init.HE, seed);
    Trainer.fit(m, noise(128, 99), new TrainConfig(2, 16, 0.01f, 0.9f, 5e-4f, seed), null);
    List<Param> ps = m.params();
    float[][] values = new float[ps.size()][];
    for (int i = 0; i < values.length; i++) values[i] = ps.get(i).value().clone();
    return values;
  }

  @Test
  void sameSeedGivesBitIdenticalWeights() {
    float[][] a = train(7);
    float[][] b = train(7);
    float[][] c = train(8);
    assertThat(a.length).isEqualTo(10);
    for (int i = 0; i < a.length; i++) {
      assertThat(Arrays.equals(a[i], b[i])).as("param %d equal for the same seed", i).isTrue();
    }
    for (int i = 0; i < a.length; i += 2) { // weights; biases start at zero but move too
      assertThat(Arrays.equals(a[i], c[i])).as("param %d differs for another seed", i).isFalse();
    }
    // the training moved the weights: not still the initial ones
    float[] init = LeNet5.build().initialize(Init.HE, 7).params().get(0).value();
    assertThat(Arrays.equals(a[0], init)).isFalse();
  }

  @Test
  void learnsASeparableProblem() {
    Model m = LeNet5.build(1, 4).initialize(Init.HE, 3);
    Dataset train = quadrants(256, 1);
    Dataset test = quadrants(128, 2);
    double before = Trainer.accuracy(m, test, 64);
    List<EpochResult> epochs = Trainer.fit(m, train, new TrainConfig(4, 16, 0.01f, 0.9f, 5e-4f, 1), null);
    assertThat(epochs).hasSize(4);
    assertThat(epochs.get(3).loss()).isLessThan(epochs.get(0).loss() / 2);
    assertThat(epochs.get(3).loss()).isLessThan(0.2);
    double after = Trainer.accuracy(m, test, 64);
    assertThat(before).isLessThan(0.6);
    assertThat(after).isGreaterThanOrEqualTo(0.95);
  }
}
