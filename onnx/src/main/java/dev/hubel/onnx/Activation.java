package dev.hubel.onnx;

import dev.hubel.model.Node;
import java.util.Arrays;

/**
 * A tensor computed by the model: the Hubel node that computes it and the shape ONNX gives one
 * example of it. The two agree in size and memory order; they differ in rank where the graph
 * reshapes without moving values (a Squeeze, a Reshape to the shape a later Flatten undoes), which
 * needs no Hubel layer. An op that depends on the shape takes only an activation whose node has it.
 */
record Activation(Node node, int[] dims) implements Value {
  boolean isView() {
    return !Arrays.equals(node.shape().dims(), dims);
  }

  int size() {
    return node.shape().size();
  }

  String describe() {
    return "activation of shape [N, " + Arrays.toString(dims).substring(1);
  }
}
