package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hubel.tensor.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** AlexNet's PCA colour lighting: the components, the shifts drawn along them, and where they are added. */
class PcaLightingTest {

  /** numpy.linalg.eigh of this matrix (an RGB covariance of the kind natural images have), by decreasing eigenvalue. */
  @Test
  void componentsAreThoseNumpyFinds() {
    double[] cov = {0.060, 0.052, 0.045, 0.052, 0.058, 0.050, 0.045, 0.050, 0.062};
    double[] values = {0.15801316, 0.01629111, 0.00569573};
    double[][] vectors = {  // columns are components
        {-0.57360712, -0.62870285, 0.52507866},
        {-0.58492206, -0.1343792, -0.79988025},
        {-0.57344664, 0.7659471, 0.2906613}};
    PcaLighting pca = PcaLighting.fromCovariance(cov, 3);
    for (int i = 0; i < 3; i++) {
      assertThat((double) pca.deviations()[i]).as("sigma %d", i).isCloseTo(Math.sqrt(values[i]), within(1e-7));
      double sign = Math.signum(pca.vectors()[i] * vectors[0][i]);  // an eigenvector's sign is arbitrary
      for (int ch = 0; ch < 3; ch++) {
        assertThat(sign * pca.vectors()[ch * 3 + i]).as("component %d, channel %d", i, ch).isCloseTo(vectors[ch][i], within(1e-6));
      }
    }
  }

  /** Images whose colours vary along two known directions only: PCA finds them, their spread, and nothing in the third. */
  @Test
  void findsTheTrainingSetsColourDirections() {
    SplittableRandom rng = new SplittableRandom(4);
    double[] u = {2 / 3.0, 2 / 3.0, 1 / 3.0}, v = {1 / Math.sqrt(2), -1 / Math.sqrt(2), 0};
    int n = 50, plane = 8 * 8;
    float[] x = new float[n * 3 * plane];
    for (int e = 0; e < n; e++) {
      for (int p = 0; p < plane; p++) {
        double a = 0.3 * rng.nextGaussian(), b = 0.1 * rng.nextGaussian();
        for (int ch = 0; ch < 3; ch++) x[e * 3 * plane + ch * plane + p] = (float) (0.5 + a * u[ch] + b * v[ch]);
      }
    }
    Dataset d = new Dataset("two tints", Shape.chw(3, 8, 8), x, new int[n], new String[] {"a"});
    PcaLighting pca = PcaLighting.of(d, null);
    assertThat((double) pca.deviations()[0]).isCloseTo(0.3, within(0.01));
    assertThat((double) pca.deviations()[1]).isCloseTo(0.1, within(0.004));
    assertThat((double) pca.deviations()[2]).isLessThan(1e-3);
    double dotU = 0, dotV = 0;
    for (int ch = 0; ch < 3; ch++) {
      dotU += pca.vectors()[ch * 3] * u[ch];
      dotV += pca.vectors()[ch * 3 + 1] * v[ch];
    }
    assertThat(Math.abs(dotU)).isCloseTo(1, within(1e-4));
    assertThat(Math.abs(dotV)).isCloseTo(1, within(1e-3));
    // the examples listed are the ones used: the first 10 alone give other figures
    assertThat(PcaLighting.of(d, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}).deviations()[0]).isNotEqualTo(pca.deviations()[0]);
  }

  /**
   * The shift added to an image is sum_i alpha_i sigma_i p_i with alpha_i ~ N(0, std^2), so over
   * many images the shifts have mean 0 and covariance std^2 times the pixels' covariance.
   */
  @Test
  void shiftsVaryAsStdSquaredTimesTheColourCovariance() {
    double[] cov = {0.060, 0.052, 0.045, 0.052, 0.058, 0.050, 0.045, 0.050, 0.062};
    PcaLighting pca = PcaLighting.fromCovariance(cov, 3);
    float std = 0.1f;
    int draws = 40_000;
    double[] mean = new double[3], second = new double[9];
    for (int k = 0; k < draws; k++) {
      long key = CounterRandom.hash(5, k);
      double[] s = {pca.shift(0, key, std), pca.shift(1, key, std), pca.shift(2, key, std)};
      for (int a = 0; a < 3; a++) {
        mean[a] += s[a] / draws;
        for (int b = 0; b < 3; b++) second[a * 3 + b] += s[a] * s[b] / draws;
      }
    }
    for (int a = 0; a < 3; a++) {
      assertThat(mean[a]).isCloseTo(0, within(0.0005));
      for (int b = 0; b < 3; b++) assertThat(second[a * 3 + b]).as("[%d][%d]", a, b).isCloseTo(0.01 * cov[a * 3 + b], within(0.00003));
    }
  }

  /** One shift per channel, added to every pixel inside the frame; the crop's padding stays black; the key decides all. */
  @Test
  void anImageIsShiftedWholeChannelByChannel() {
    double[] cov = {0.060, 0.052, 0.045, 0.052, 0.058, 0.050, 0.045, 0.050, 0.062};
    PcaLighting pca = PcaLighting.fromCovariance(cov, 3);
    float[] x = new float[3 * 4 * 4];
    for (int i = 0; i < x.length; i++) x[i] = i / 48f;
    float[] plain = new float[x.length], lit = new float[x.length], again = new float[x.length];
    long key = 99;
    new Augmentation(1, true, 0).apply(x, 0, plain, 0, 3, 4, 4, key);
    Augmentation a = new Augmentation(1, true, 0, 0.1f);
    a.apply(x, 0, lit, 0, 3, 4, 4, key, pca);
    a.apply(x, 0, again, 0, 3, 4, 4, key, pca);
    assertThat(again).containsExactly(lit);
    int padded = 0;
    for (int ch = 0; ch < 3; ch++) {
      float shift = pca.shift(ch, key, 0.1f);
      assertThat(shift).isNotZero();
      for (int p = ch * 16; p < ch * 16 + 16; p++) {
        boolean padding = plain[p] == 0 && lit[p] == 0;
        if (padding) padded++;
        else assertThat(lit[p]).isCloseTo(plain[p] + shift, within(1e-6f));
      }
    }
    assertThat(padded).as("this key's crop uncovers a row and a column: 7 of 16 pixels a channel").isEqualTo(3 * 7);
  }

  /** Lighting on a BatchLoader: the components come from its examples, and prefetching changes nothing. */
  @Test
  void aLoaderLightsTheSameWithOrWithoutPrefetch() {
    SplittableRandom rng = new SplittableRandom(8);
    float[] x = new float[20 * 3 * 4 * 4];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
    Dataset d = new Dataset("colours", Shape.chw(3, 4, 4), x, new int[20], new String[] {"a"});
    Augmentation a = Augmentation.NONE.withLighting(0.1f);
    float[] first, second;
    try (BatchLoader on = new BatchLoader(d, 20).shuffle(3).augment(a); BatchLoader off = new BatchLoader(d, 20).shuffle(3).augment(a).prefetch(false)) {
      on.begin(2);
      first = on.next().images().clone();
      off.begin(2);
      second = off.next().images().clone();
    }
    assertThat(second).containsExactly(first);
    assertThat(first).isNotEqualTo(java.util.Arrays.copyOf(x, x.length));
  }
}
