package dev.hubel.model;

import dev.hubel.op.Fit;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's architecture as plain data, and back: one entry per node, the {@link Layers} call
 * that made it ({@code {"name": "CONV1", "op": "conv2d", "inputs": ["INPUT"], "filters": 6, ...}}).
 * Values are strings, numbers, booleans and lists of them, so the list is JSON as it stands; a
 * model file keeps it in its metadata and {@link #rebuild} calls the same builders again.
 *
 * <p>Adding a layer to {@link Layers}: give its node a spec ({@link #spec}) and add its case to
 * {@link #build}. {@code ArchitectureTest} round-trips every zoo model to check both.
 */
public final class Architecture {
  private Architecture() {}

  /** A node's spec: the builder's name and its settings, in order. int[] values become lists. */
  public static Map<String, Object> spec(String op, Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("spec " + op + ": keys and values must pair up");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object v = keysAndValues[i + 1];
      if (v instanceof int[] a) v = java.util.Arrays.stream(a).boxed().toList();
      else if (v instanceof float[] a) {
        List<Double> l = new ArrayList<>();
        for (float f : a) l.add((double) f);
        v = l;
      } else if (v instanceof Enum<?> e) v = e.name();
      m.put((String) keysAndValues[i], v);
    }
    return m;
  }

  /** The model's nodes in order, each as its name, inputs and spec. */
  public static List<Map<String, Object>> describe(Model model) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Node n : model.nodes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", n.name());
      m.put("inputs", n.inputs().stream().map(Node::name).toList());
      m.putAll(n.spec());
      out.add(m);
    }
    return out;
  }

  /**
   * Builds the model that {@link #describe} described. Each node must come out with the name it
   * was saved with; otherwise the description was edited or made by another version.
   */
  public static Model rebuild(String modelName, List<Map<String, Object>> layers) {
    if (layers.isEmpty()) throw new ShapeException("architecture of " + modelName + " has no layers; expected an input first");
    Map<String, Node> byName = new HashMap<>();
    Node last = null;
    for (int i = 0; i < layers.size(); i++) {
      Map<String, Object> layer = layers.get(i);
      String where = "architecture of " + modelName + ", layer " + i;
      String name = text(layer, "name", where);
      where += " (" + name + ")";
      List<Node> inputs = new ArrayList<>();
      Object ins = layer.getOrDefault("inputs", List.of());
      if (!(ins instanceof List<?> list)) throw new ShapeException(where + ": inputs must be a list of layer names, received " + ins);
      for (Object in : list) {
        Node node = byName.get(String.valueOf(in));
        if (node == null) throw new ShapeException(where + ": input " + in + " is not a layer defined before it");
        inputs.add(node);
      }
      Node node = build(text(layer, "op", where), inputs, new Args(layer, where));
      if (!node.name().equals(name)) {
        throw new ShapeException(where + ": rebuilding it gave a layer named " + node.name()
            + "; the layers are out of order or were edited");
      }
      byName.put(name, node);
      last = node;
    }
    return Model.of(modelName, last);
  }

  private static Node build(String op, List<Node> in, Args a) {
    return switch (op) {
      case "input" -> Layers.input(new Shape(a.ints("shape")));
      case "conv2d" -> Layers.conv2d(a.one(in), a.i("filters"), a.i("fh"), a.i("fw"), a.i("stride"), a.i("pad"), a.fit(),
          a.i("groups", 1), !a.has("bias") || a.b("bias"));
      case "relu" -> Layers.relu(a.one(in));
      case "maxPool" -> Layers.maxPool(a.one(in), a.i("size"), a.i("stride"), a.i("pad"), a.fit());
      case "avgPool" -> Layers.avgPool(a.one(in), a.i("size"), a.i("stride"), a.i("pad"), a.fit());
      case "dense" -> Layers.dense(a.one(in), a.i("units"));
      case "flatten" -> Layers.flatten(a.one(in));
      case "lrn" -> Layers.lrn(a.one(in), a.i("size"), a.d("alpha"), a.d("beta"), a.d("k"));
      case "dropout" -> Layers.dropout(a.one(in), a.d("p"));
      case "embedding" -> Layers.embedding(a.one(in), a.i("vocabulary"), a.i("dim"));
      case "conv1d" -> Layers.conv1d(a.one(in), a.i("filters"), a.i("width"), a.i("stride"), a.i("pad"));
      case "maxOverTime" -> Layers.maxOverTime(a.one(in));
      case "spatialSoftmax" -> Layers.spatialSoftmax(a.one(in));
      case "batchNorm" -> Layers.batchNorm(a.one(in));
      case "add" -> Layers.add(a.inputs(in, 2).get(0), in.get(1));
      case "concat" -> Layers.concat(in.toArray(Node[]::new));
      case "globalAvgPool" -> Layers.globalAvgPool(a.one(in));
      case "padChannels" -> Layers.padChannels(a.one(in), a.i("before"), a.i("after"));
      default -> throw new ShapeException(a.where + ": unknown layer op '" + op + "'");
    };
  }

  private static String text(Map<String, Object> m, String key, String where) {
    Object v = m.get(key);
    if (!(v instanceof String s)) throw new ShapeException(where + ": '" + key + "' must be a string, received " + v);
    return s;
  }

  /** Typed access to one layer's settings, with errors that name the layer and the key. */
  static final class Args {
    private final Map<String, Object> m;
    final String where;

    Args(Map<String, Object> m, String where) {
      this.m = m;
      this.where = where;
    }

    Node one(List<Node> in) {
      if (in.size() != 1) throw new ShapeException(where + ": takes one input, received " + in.size());
      return in.get(0);
    }

    private Object get(String key) {
      if (!m.containsKey(key)) throw new ShapeException(where + ": missing '" + key + "'");
      return m.get(key);
    }

    int i(String key) {
      Object v = get(key);
      if (v instanceof Number n && n.doubleValue() == n.intValue()) return n.intValue();
      throw new ShapeException(where + ": '" + key + "' must be a whole number, received " + v);
    }

    double d(String key) {
      Object v = get(key);
      if (v instanceof Number n) return n.doubleValue();
      throw new ShapeException(where + ": '" + key + "' must be a number, received " + v);
    }

    boolean b(String key) {
      Object v = get(key);
      if (v instanceof Boolean b) return b;
      throw new ShapeException(where + ": '" + key + "' must be true or false, received " + v);
    }

    String s(String key) {
      Object v = get(key);
      if (v instanceof String s) return s;
      throw new ShapeException(where + ": '" + key + "' must be a string, received " + v);
    }

    int[] ints(String key) {
      Object v = get(key);
      if (v instanceof List<?> l) {
        int[] out = new int[l.size()];
        for (int k = 0; k < out.length; k++) {
          if (!(l.get(k) instanceof Number n) || n.doubleValue() != n.intValue()) {
            throw new ShapeException(where + ": '" + key + "' must be a list of whole numbers, received " + v);
          }
          out[k] = n.intValue();
        }
        return out;
      }
      throw new ShapeException(where + ": '" + key + "' must be a list of whole numbers, received " + v);
    }

    /** A whole number that may be absent (a setting added after files without it were written). */
    int i(String key, int absent) {
      return m.containsKey(key) ? i(key) : absent;
    }

    Fit fit() {
      String s = s("fit");
      try {
        return Fit.valueOf(s);
      } catch (IllegalArgumentException e) {
        throw new ShapeException(where + ": 'fit' must be EXACT, FLOOR or CEIL, received " + s);
      }
    }

    boolean has(String key) {
      return m.containsKey(key);
    }

    List<Node> inputs(List<Node> in, int count) {
      if (in.size() != count) throw new ShapeException(where + ": takes " + count + " inputs, received " + in.size());
      return in;
    }
  }
}
