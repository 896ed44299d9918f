package dev.hubel.train;

import dev.hubel.tensor.Param;
import java.util.List;
import java.util.Map;

/**
 * Moves a model's trainable parameters from the gradients a backward pass left in them: SGD (with
 * momentum and Nesterov's variant), Adam, AdamW, RMSprop, each in PyTorch's formulation. Build one
 * from its settings with {@link OptimizerConfig#build}.
 *
 * <p>Its state is named: per parameter, one array per slot ({@link #slots()}: SGD's
 * {@code velocity}, Adam's {@code exp_avg} and {@code exp_avg_sq}), and the number of steps taken.
 * A checkpoint saves them as tensors {@code optimizer.<slot>.<parameter>} and gives them back with
 * {@link #restore}, so that a resumed run steps exactly as an uninterrupted one.
 */
public interface Optimizer {

  /** One update from the gradients the last backward pass left in the parameters. */
  void step();

  /** The parameters it moves (the trainable ones, in the model's order): what the state's lists are parallel to. */
  List<Param> params();

  /** The weight decay each parameter of {@link #params()} gets, from its {@link ParamGroup}. */
  float weightDecay(int param);

  float learningRate();

  /** The rate for the next steps: a schedule sets it before every step. */
  void setLearningRate(float lr);

  /** Updates taken so far; Adam's bias correction counts them. */
  long steps();

  /** The names of its per-parameter state, in order (PyTorch's names where it has them). */
  List<String> slots();

  /** The live arrays of one slot, one per entry of {@link #params()}: for a checkpoint to save. */
  List<float[]> state(String slot);

  /**
   * Sets the state back to a checkpoint's: for every slot, one array per parameter, and the steps
   * taken. Refuses a missing or unknown slot, or arrays that do not fit the parameters.
   */
  void restore(Map<String, List<float[]>> state, long steps);

  /** What it is, with its settings (the learning rate it started from): enough to build it again. */
  OptimizerConfig config();
}
