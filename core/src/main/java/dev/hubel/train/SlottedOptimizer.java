package dev.hubel.train;

import dev.hubel.tensor.Param;
import java.util.List;
import java.util.Map;

/**
 * What every optimiser here shares: the trainable parameters in the model's order, each one's
 * weight decay from its group, the learning rate, the step count, and named per-parameter state
 * (zero-filled at the start, as PyTorch's buffers are in effect).
 */
abstract class SlottedOptimizer implements Optimizer {
  final List<Param> params;
  final float[] decay;
  private final List<String> slots;
  private final float[][][] state;  // [slot][parameter][element]
  private float learningRate;
  private long steps;

  SlottedOptimizer(List<Param> params, List<ParamGroup> groups, float learningRate, List<String> slots) {
    requireLearningRate(learningRate);
    this.params = params.stream().filter(Param::trainable).toList();
    this.decay = ParamGroup.decays(this.params, groups);
    this.slots = List.copyOf(slots);
    this.state = new float[slots.size()][this.params.size()][];
    for (float[][] slot : state) for (int i = 0; i < slot.length; i++) slot[i] = new float[this.params.get(i).size()];
    this.learningRate = learningRate;
  }

  static void requireLearningRate(float lr) {
    if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, received " + lr);
  }

  /**
   * The decimal a float setting was written as (0.99f is 0.99): PyTorch takes its settings as
   * Python doubles and computes 1 - beta, 1 - beta^t and lr / (1 - beta^t) in double before
   * rounding to float, so derived scalars agree with its to the last bit only when made from the
   * same decimal, not from the float's binary value (0.9900000095...).
   */
  static double decimal(float setting) {
    double x = setting;
    if (x == 0 || !Double.isFinite(x)) return x;
    int exponent = (int) Math.floor(Math.log10(Math.abs(x)));
    // the fewest significant digits that read back as the float; m / 10^e is then the double
    // nearest that decimal (both exact, one correctly rounded division), as Double.parseDouble
    // would give, without a string: this runs every step
    for (int digits = 1; digits <= 9; digits++) {
      int e = digits - 1 - exponent;
      if (e > 22 || e < -22) break;  // 10^e no longer exact
      double scale = Math.pow(10, Math.abs(e));
      double candidate = e >= 0 ? Math.rint(x * scale) / scale : Math.rint(x / scale) * scale;
      if ((float) candidate == setting) return candidate;
    }
    return x;
  }

  /** Updates parameter i from its gradient; {@link #steps()} already counts this step. */
  abstract void update(int i, Param p, float lr);

  /** The state of parameter i in slot {@code slot} (an index into {@link #slots()}). */
  final float[] slot(int slot, int i) {
    return state[slot][i];
  }

  @Override
  public final void step() {
    steps++;
    for (int i = 0; i < params.size(); i++) update(i, params.get(i), learningRate);  // indexed: an iterator would allocate every step
  }

  @Override
  public final List<Param> params() {
    return params;
  }

  @Override
  public final float weightDecay(int param) {
    return decay[param];
  }

  @Override
  public final float learningRate() {
    return learningRate;
  }

  @Override
  public final void setLearningRate(float lr) {
    requireLearningRate(lr);
    this.learningRate = lr;
  }

  @Override
  public final long steps() {
    return steps;
  }

  @Override
  public final List<String> slots() {
    return slots;
  }

  @Override
  public final List<float[]> state(String slot) {
    int s = slots.indexOf(slot);
    if (s < 0) throw new IllegalArgumentException(kind() + " keeps no state '" + slot + "'; it keeps " + String.join(", ", slots));
    return List.of(state[s]);
  }

  /** The optimiser's name in messages. */
  String kind() {
    return config().kind().toString();
  }

  @Override
  public final void restore(Map<String, List<float[]>> saved, long steps) {
    if (steps < 0) throw new IllegalArgumentException("steps taken must be 0 or more, received " + steps);
    for (String name : saved.keySet()) {
      if (!slots.contains(name)) {
        throw new IllegalArgumentException(kind() + " keeps no state '" + name + "'; it keeps " + String.join(", ", slots));
      }
    }
    for (String name : slots) {
      List<float[]> arrays = saved.get(name);
      if (arrays == null) throw new IllegalArgumentException("no optimiser state '" + name + "' to restore; " + kind() + " keeps "
          + String.join(", ", slots));
      if (arrays.size() != params.size()) {
        throw new IllegalArgumentException("this optimiser moves " + params.size() + " parameters; received " + arrays.size()
            + " " + plural(name));
      }
      for (int i = 0; i < params.size(); i++) {
        if (arrays.get(i).length != params.get(i).size()) {
          throw new IllegalArgumentException(params.get(i).name() + " has " + params.get(i).size() + " values; its " + name
              + " has " + arrays.get(i).length);
        }
      }
    }
    for (int s = 0; s < slots.size(); s++) {
      List<float[]> arrays = saved.get(slots.get(s));
      for (int i = 0; i < params.size(); i++) System.arraycopy(arrays.get(i), 0, state[s][i], 0, state[s][i].length);
    }
    this.steps = steps;
  }

  private static String plural(String slot) {
    return slot.equals("velocity") ? "velocities" : slot + " arrays";
  }

  @Override
  public String toString() {
    return config().toString();
  }
}
