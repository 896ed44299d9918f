package dev.hubel.op;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;
import java.util.List;

/**
 * One operation of a network: its shape rule (applied in the constructor, so a model that does
 * not fit fails while it is built), its parameters, and a compiled {@link Step} that runs forward
 * and backward over preallocated buffers. An op object is bound to its input shapes.
 */
public interface Op {

  /** The word a layer of this kind is named with: CONV, MAX POOL, FC, ... */
  String kind();

  /** Output shape of one example, computed once from the input shapes. */
  Shape outputShape();

  /** The layer in words, after its name: "6 5x5 filters at stride 1, pad 0". */
  String describe();

  /** Learned parameters, in a fixed order (weights before biases). */
  default List<ParamSpec> params() {
    return List.of();
  }

  /** How the parameter count is reckoned, e.g. "(5*5*1)*6 + 6"; empty when there are none. */
  default String paramFormula() {
    return "";
  }

  /**
   * Binds the op to buffers sized for a batch. Everything the step needs (scratch, indices) is
   * allocated here, never in {@link Step#forward} or {@link Step#backward}.
   *
   * @param inputs one tensor per input, in the order the op was built with
   * @param params one per {@link #params()} entry
   */
  Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool);
}
