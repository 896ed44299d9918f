package dev.hubel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link ElementwiseKernel} on the Vector API; loaded by name only when the module is present. */
final class VectorElementwise implements ElementwiseKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Override
  public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
    int i = from;
    for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
      VectorMask<Float> live = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
      FloatVector.fromArray(S, dx, i).add(FloatVector.fromArray(S, dy, i), live).intoArray(dx, i);
    }
    for (; i < to; i++) dx[i] += y[i] > 0f ? dy[i] : 0f;
  }
}
