package dev.hubel.model;

import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** He and Xavier draw weights with the spread their papers prescribe; biases start at zero. */
class InitTest {

  @ParameterizedTest(name = "{0}: {1} inputs -> {2} outputs")
  @CsvSource({
      "HE,     400, 300",
      "HE,     50,  1000",
      "XAVIER, 400, 300",
      "XAVIER, 50,  1000",
  })
  void weightsHaveThePrescribedSpread(Init init, int fanIn, int fanOut) {
    Model m = Model.of("fc", dense(input(new Shape(fanIn)), fanOut)).initialize(init, 3);
    Param w = m.params().get(0), b = m.params().get(1);
    double sum = 0, sq = 0, maxAbs = 0;
    for (float v : w.value()) {
      sum += v;
      sq += (double) v * v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    int n = w.size();
    double std = Math.sqrt(sq / n - (sum / n) * (sum / n));
    // He: normal, std sqrt(2 / fan_in). Xavier: uniform on +-sqrt(6 / (fan_in + fan_out)), std limit / sqrt(3).
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    double expected = init == Init.HE ? Math.sqrt(2.0 / fanIn) : limit / Math.sqrt(3);
    assertThat(std).isCloseTo(expected, within(expected * 0.03));
    assertThat(sum / n).isCloseTo(0.0, within(expected * 0.03));
    if (init == Init.XAVIER) assertThat(maxAbs).isLessThanOrEqualTo(limit);
    else assertThat(maxAbs).isGreaterThan(3 * expected); // a normal's tails, which a uniform lacks
    for (float v : b.value()) assertThat(v).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"HE", "XAVIER"})
  void sameSeedSameWeightsOtherSeedOtherWeights(Init init) {
    float[] a = Model.of("a", dense(input(new Shape(20)), 10)).initialize(init, 7).params().get(0).value();
    float[] b = Model.of("b", dense(input(new Shape(20)), 10)).initialize(init, 7).params().get(0).value();
    float[] c = Model.of("c", dense(input(new Shape(20)), 10)).initialize(init, 8).params().get(0).value();
    assertThat(a).containsExactly(b);
    assertThat(a).isNotEqualTo(c);
  }
}
