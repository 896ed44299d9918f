package dev.hubel.op;

import dev.hubel.tensor.ShapeException;
import java.util.Locale;

/** The lecture's output-size rule, (N - F + 2P) / S + 1, with errors that show the arithmetic. */
public final class OutputSize {
  private OutputSize() {}

  /**
   * Output length along one axis.
   *
   * @param layer  the layer's name, for the message
   * @param window what slides, e.g. "3x3 filter" or "2x2 window"
   * @param inputDesc the input volume as printed, e.g. "7x7x3"
   */
  public static int of(String layer, String window, String inputDesc,
                       int n, int f, int s, int p, Fit fit) {
    if (s < 1) throw new ShapeException(layer + ": stride must be at least 1, received " + s);
    if (p < 0) throw new ShapeException(layer + ": padding must be 0 or more, received " + p);
    if (f < 1) throw new ShapeException(layer + ": window sizes must be at least 1, received " + f);
    int span = n - f + 2 * p;
    if (span < 0) {
      throw new ShapeException(String.format(Locale.ROOT,
          "%s: the %s does not fit the %s input with pad %d: the input runs out of pixels "
              + "(N + 2P = %d is smaller than F = %d). Use a smaller window, more padding, or a larger input.",
          layer, window, inputDesc, p, n + 2 * p, f));
    }
    if (span % s == 0) return span / s + 1;
    return switch (fit) {
      case FLOOR -> span / s + 1;
      case CEIL -> ceilSize(n, f, s, p);
      case EXACT -> throw notWhole(layer, window, inputDesc, n, f, s, p);
    };
  }

  /** PyTorch's ceil_mode: one more window, unless it would start inside the right padding. */
  private static int ceilSize(int n, int f, int s, int p) {
    int out = (n - f + 2 * p + s - 1) / s + 1;
    if ((out - 1) * s >= n + p) out--;
    return out;
  }

  private static ShapeException notWhole(String layer, String window, String inputDesc,
                                         int n, int f, int s, int p) {
    double exact = (double) (n - f + 2 * p) / s + 1;
    StringBuilder hint = new StringBuilder();
    for (int pad = 0; pad <= f; pad++) {
      if ((n - f + 2 * pad) % s == 0 && pad != p) {
        hint.append(String.format(Locale.ROOT, " pad %d would give %d;", pad, (n - f + 2 * pad) / s + 1));
        break;
      }
    }
    for (int stride = s - 1; stride >= 1; stride--) {
      if ((n - f + 2 * p) % stride == 0) {
        hint.append(String.format(Locale.ROOT, " stride %d would give %d;", stride, (n - f + 2 * p) / stride + 1));
        break;
      }
    }
    String h = hint.length() == 0 ? "" : " Options:" + hint.substring(0, hint.length() - 1) + ".";
    return new ShapeException(String.format(Locale.ROOT,
        "%s: the %s does not fit the %s input at stride %d, pad %d: "
            + "(N - F + 2P) / S + 1 = (%d - %d + 2*%d) / %d + 1 = %.2f, not a whole number.%s",
        layer, window, inputDesc, s, p, n, f, p, s, exact, h));
  }
}
