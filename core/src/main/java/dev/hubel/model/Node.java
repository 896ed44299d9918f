package dev.hubel.model;

import dev.hubel.op.Op;
import dev.hubel.tensor.Shape;
import java.util.List;

/**
 * A point in a model's graph: an op applied to input nodes, with the output shape worked out when
 * it was built. Graphs are wired with Java references (a node holds its inputs); a node may feed
 * any number of others.
 */
public final class Node {
  final Graph graph;
  final int id;
  private final String name;
  private final Op op;
  private final List<Node> inputs;

  Node(Graph graph, int id, String name, Op op, List<Node> inputs) {
    this.graph = graph;
    this.id = id;
    this.name = name;
    this.op = op;
    this.inputs = List.copyOf(inputs);
  }

  /** The layer's name as the summary and errors print it: CONV1, MAX POOL2, FC6. */
  public String name() {
    return name;
  }

  public Op op() {
    return op;
  }

  public List<Node> inputs() {
    return inputs;
  }

  public Shape shape() {
    return op.outputShape();
  }

  @Override
  public String toString() {
    return name + " [" + shape() + "]";
  }
}
