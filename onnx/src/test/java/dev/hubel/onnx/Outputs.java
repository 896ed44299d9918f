package dev.hubel.onnx;

import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import java.util.SplittableRandom;

/** What the tests feed models and how they compare what comes out. */
final class Outputs {
  private Outputs() {}

  /**
   * max |a - b| / max |b|: the largest error as a share of the reference's scale, so that outputs
   * near zero do not make a tiny absolute error look large.
   */
  static double relativeError(float[] actual, float[] expected) {
    if (actual.length != expected.length) throw new AssertionError(actual.length + " values, expected " + expected.length);
    double diff = 0, scale = 0;
    for (int i = 0; i < expected.length; i++) {
      if (!Float.isFinite(actual[i])) return Double.POSITIVE_INFINITY;
      diff = Math.max(diff, Math.abs(actual[i] - (double) expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return scale == 0 ? diff : diff / scale;
  }

  /** n examples of Gaussian noise, or of token ids in [0, vocabulary) when vocabulary > 0. */
  static float[] inputs(Model m, int n, long seed, int vocabulary) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * m.inputShape().size()];
    for (int i = 0; i < x.length; i++) x[i] = vocabulary > 0 ? rng.nextInt(vocabulary) : (float) rng.nextGaussian();
    return x;
  }

  /** Hubel's scores for n examples as they come from the data: normalised as the model says, then run forward. */
  static float[] hubel(Model m, float[] x, int n) {
    Plan plan = m.compile(n);
    plan.load(x, m.inputShape(), n);
    if (m.normalization() != null) m.normalization().apply(plan.input(), n, m.inputShape().size() / m.normalization().channels());
    plan.forward(n, false);
    float[] out = plan.output();
    return java.util.Arrays.copyOf(out, n * m.outputShape().size());
  }
}
