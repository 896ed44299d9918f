package dev.hubel.model;

import dev.hubel.op.Op;
import dev.hubel.tensor.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  private final Map<String, Object> spec;

  Node(Graph graph, int id, String name, Op op, List<Node> inputs, Map<String, Object> spec) {
    this.graph = graph;
    this.id = id;
    this.name = name;
    this.op = op;
    this.inputs = List.copyOf(inputs);
    this.spec = Collections.unmodifiableMap(new LinkedHashMap<>(spec));
  }

  /** The builder call that made this node, e.g. {op=conv2d, filters=6, ...}: see {@link Architecture}. */
  public Map<String, Object> spec() {
    return spec;
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
