package dev.hubel.train;

import dev.hubel.tensor.Param;
import java.util.List;
import java.util.function.Predicate;

/**
 * Parameters that share a weight decay, as PyTorch's parameter groups: each trainable parameter
 * belongs to the first group of a list whose {@code members} test it passes. The default list
 * ({@link #byRole}) decays weights and leaves biases and BatchNorm's scale and shift alone, since
 * pulling those to zero only hurts.
 *
 * @param name what the group is, for messages ("decayed", "not decayed")
 * @param members which parameters it takes
 * @param weightDecay the L2 coefficient (decoupled for AdamW) of its parameters, 0 or more
 */
public record ParamGroup(String name, Predicate<Param> members, float weightDecay) {

  public ParamGroup {
    if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be 0 or more, received " + weightDecay);
    }
  }

  /** Weights decay by {@code weightDecay}; every other parameter (biases, BatchNorm's scale and shift) not at all. */
  public static List<ParamGroup> byRole(float weightDecay) {
    return List.of(new ParamGroup("decayed", p -> p.role().decays(), weightDecay),
        new ParamGroup("not decayed", p -> true, 0f));
  }

  /** Every parameter decays by {@code weightDecay}, biases and normalisation included. */
  public static List<ParamGroup> all(float weightDecay) {
    return List.of(new ParamGroup("all", p -> true, weightDecay));
  }

  /** The decay of each trainable parameter of {@code params}, in order; refuses one that no group takes. */
  static float[] decays(List<Param> trainable, List<ParamGroup> groups) {
    float[] decay = new float[trainable.size()];
    for (int i = 0; i < decay.length; i++) {
      Param p = trainable.get(i);
      ParamGroup g = groups.stream().filter(x -> x.members().test(p)).findFirst().orElseThrow(() -> new IllegalArgumentException(
          p.name() + " is in no parameter group; end the list with a group that takes every parameter, "
              + "as ParamGroup.byRole does"));
      decay[i] = g.weightDecay();
    }
    return decay;
  }
}
