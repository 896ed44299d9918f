package dev.hubel.model;

import dev.hubel.op.Op;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The nodes grown from one input, in the order they were built (which is a topological order,
 * since a node can only take nodes that already exist), and the counters that name them.
 */
final class Graph {
  final List<Node> nodes = new ArrayList<>();
  private final Map<String, Integer> counters = new HashMap<>();

  /**
   * Weighted layers share one count, as in the papers' tables: AlexNet's CONV1..CONV5 are followed
   * by FC6..FC8. Other kinds count on their own (MAX POOL1, NORM1).
   */
  private static String counterOf(String kind) {
    return switch (kind) {
      case "CONV", "FC" -> "weighted";
      case "MAX POOL", "AVG POOL" -> "pool";
      case "GLOBAL AVG POOL" -> "pool";
      default -> kind;
    };
  }

  /** The name the next layer of this kind gets; the count only moves once the layer is built. */
  private String peekName(String kind) {
    return kind + (counters.getOrDefault(counterOf(kind), 0) + 1);
  }

  private void commitName(String kind) {
    counters.merge(counterOf(kind), 1, Integer::sum);
  }

  /**
   * Adds a node. The op is made by {@code make} from the name the node will have and the input
   * shape(s), so that a shape error can name the layer. {@code spec} is the builder call that made
   * it ({@link Architecture}): how a saved model is built again.
   */
  static Node add(String kind, List<Node> inputs, Map<String, Object> spec, Function<String, Op> make) {
    if (inputs.isEmpty()) throw new IllegalArgumentException(kind + ": needs at least one input node");
    Graph g = inputs.get(0).graph;
    for (Node in : inputs) {
      if (in.graph != g) {
        throw new ShapeException(kind + ": its inputs come from different models (" + inputs.get(0).name()
            + " and " + in.name() + "); every node of a model must grow from the same input");
      }
    }
    String name = g.peekName(kind);
    Op op = make.apply(name); // may throw a ShapeException naming the layer; then nothing was added
    g.commitName(kind);
    Node node = new Node(g, g.nodes.size(), name, op, inputs, spec);
    g.nodes.add(node);
    return node;
  }

  static Node input(Shape shape) {
    Graph g = new Graph();
    Node node = new Node(g, 0, "INPUT", new dev.hubel.op.Input(shape), List.of(),
        Architecture.spec("input", "shape", shape.dims()));
    g.nodes.add(node);
    return node;
  }
}
