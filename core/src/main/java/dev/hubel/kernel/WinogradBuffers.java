package dev.hubel.kernel;

/**
 * The transformed input V and products M that {@link NhwcWinograd} layers with large
 * transformed weights keep whole between their phases: one pair of arrays, grown to the largest
 * layer's need and then reused, for layers that run one after another (the layers of one
 * channels-last front). Not for layers that may run at the same time.
 */
public final class WinogradBuffers {
  float[] v = new float[0], m = new float[0];

  /** Grows the arrays to at least these sizes (their contents then undefined). */
  void ensure(int vSize, int mSize) {
    if (v.length < vSize) v = new float[vSize];
    if (m.length < mSize) m = new float[mSize];
  }
}
