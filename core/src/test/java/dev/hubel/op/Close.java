package dev.hubel.op;

import static org.assertj.core.api.Assertions.fail;

/**
 * Float32 comparison for whole arrays: entry i passes when |a - e| <= rtol * |e| + atol * max |e|.
 * The absolute part scales with the array, because an entry that is a sum of many terms can cancel
 * to nearly zero while keeping the rounding error of its larger terms. It has no floor of 1, so
 * that arrays of small numbers (an SGD step's change) are held to float precision too.
 */
final class Close {
  private Close() {}

  static void assertClose(String what, float[] actual, int from, double[] expected, double rtol, double atol) {
    double scale = 1e-30;  // an all-zero expectation must be met exactly
    for (double e : expected) scale = Math.max(scale, Math.abs(e));
    int bad = 0, first = -1;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double a = actual[from + i], e = expected[i];
      double err = Math.abs(a - e), allowed = rtol * Math.abs(e) + atol * scale;
      if (!(err <= allowed)) {  // also catches NaN
        if (first < 0) first = i;
        bad++;
        worst = Math.max(worst, err);
      }
    }
    if (bad > 0) {
      fail("%s: %d of %d entries differ; first at flat index %d: got %s, expected %s (worst error %.3g)",
          what, bad, expected.length, first, actual[from + first], expected[first], worst);
    }
  }

  static void assertClose(String what, float[] actual, double[] expected) {
    assertClose(what, actual, 0, expected, 1e-4, 1e-5);
  }
}
