package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hubel.model.Normalization;
import dev.hubel.tensor.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChannelStatisticsTest {

  /**
   * Two 2x1x2 examples. Channel 0 holds 1, 2 | 3, 4 (mean 2.5, population variance 1.25);
   * channel 1 holds 10, 10 | 10, 10 (constant).
   */
  private static Dataset twoChannels() {
    float[] x = {1, 2, 10, 10, 3, 4, 10, 10};
    return new Dataset("two", Shape.chw(2, 1, 2), x, new int[] {0, 1}, new String[] {"a", "b"});
  }

  @Test
  void computesEachChannelsMeanAndStdAsWorkedOutByHand() {
    Normalization n = ChannelStatistics.of(twoChannels());
    assertThat(n.mean()).containsExactly(2.5f, 10f);
    assertThat(n.std()[0]).isCloseTo((float) Math.sqrt(1.25), within(1e-7f));
    assertThat(n.std()[1]).as("a constant channel is only centred").isEqualTo(1f);
  }

  @Test
  void usesOnlyTheExamplesListed() {
    Normalization n = ChannelStatistics.of(twoChannels(), new int[] {1});
    assertThat(n.mean()).containsExactly(3.5f, 10f);
    assertThat(n.std()[0]).isCloseTo(0.5f, within(1e-7f));
  }

  @Test
  void agreesWithADirectComputationOnRandomImages() {
    SplittableRandom rng = new SplittableRandom(3);
    int count = 50, c = 3, plane = 6 * 5;
    float[] x = new float[count * c * plane];
    for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * (1 + i % 3) + 100 * ((i / plane) % c));
    Dataset d = new Dataset("rgb", Shape.chw(c, 6, 5), x, new int[count], new String[] {"only"});
    Normalization n = ChannelStatistics.of(d);
    for (int ch = 0; ch < c; ch++) {
      // one pass over the channel's pixels gathered into a list: another way to the same figures
      double[] values = new double[count * plane];
      for (int e = 0; e < count; e++) {
        for (int p = 0; p < plane; p++) values[e * plane + p] = x[(e * c + ch) * plane + p];
      }
      double mean = java.util.Arrays.stream(values).average().orElseThrow();
      double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
      assertThat((double) n.mean()[ch]).isCloseTo(mean, within(1e-4 * Math.abs(mean) + 1e-6));
      assertThat((double) n.std()[ch]).isCloseTo(Math.sqrt(var), within(1e-5));
    }
  }

  @Test
  void aVectorDatasetIsOneChannel() {
    Dataset d = new Dataset("flat", Shape.vector(2), new float[] {0, 2, 4, 6}, new int[] {0, 0}, new String[] {"only"});
    Normalization n = ChannelStatistics.of(d);
    assertThat(n.mean()).containsExactly(3f);
    assertThat(n.std()[0]).isCloseTo((float) Math.sqrt(5), within(1e-6f));
  }

  @Test
  void refusesNoExamplesAndBadIndices() {
    assertThatThrownBy(() -> ChannelStatistics.of(twoChannels(), new int[0]))
        .isInstanceOf(DataException.class)
        .hasMessage("dataset two has no examples to compute per-channel mean and std from");
    assertThatThrownBy(() -> ChannelStatistics.of(twoChannels(), new int[] {0, 2}))
        .isInstanceOf(DataException.class)
        .hasMessage("dataset two: example index 2 at position 1 is outside 0..1");
  }
}
