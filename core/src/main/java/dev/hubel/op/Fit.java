package dev.hubel.op;

/**
 * What a sliding window does when (N - F + 2P) / S + 1 is not a whole number.
 * The lecture's rule is that it must be ({@link #EXACT}, the default): a stride that leaves
 * pixels over is a mistake to report. Some published networks rely on rounding (ResNet's 7x7
 * stem at stride 2 on 224 pixels drops one; GoogLeNet's pools round up), so they say so.
 */
public enum Fit {
  /** The window must tile the padded input exactly, or the model does not build. */
  EXACT,
  /** Drop the pixels left over at the bottom and right (PyTorch's default). */
  FLOOR,
  /** Add one more, partial window at the bottom and right (PyTorch's ceil_mode). */
  CEIL
}
