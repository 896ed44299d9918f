package dev.hubel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ONNX Runtime's own profile of a session (the JSON trace it writes with profiling on) put into
 * a table: each node's median kernel time over the runs, in the order the graph ran them, and
 * the sums by operator. Beside {@code hubel bench --profile}'s layers it shows where ONNX Runtime
 * is faster, layer by layer (its graph optimiser fuses a convolution with the norm, add and ReLU
 * after it into one node).
 */
final class OrtProfileTable {
  private OrtProfileTable() {}

  /** The table for a trace: an array of events, of which the nodes' {@code *_kernel_time} ones count. */
  static String format(JsonNode events) {
    Map<String, List<Double>> micros = new LinkedHashMap<>();
    Map<String, String> ops = new LinkedHashMap<>(), shapes = new LinkedHashMap<>();
    for (JsonNode e : events) {
      String name = e.path("name").asText();
      if (!e.path("cat").asText().equals("Node") || !name.endsWith("_kernel_time")) continue;
      String node = name.substring(0, name.length() - "_kernel_time".length());
      micros.computeIfAbsent(node, k -> new ArrayList<>()).add(e.path("dur").asDouble());
      ops.putIfAbsent(node, e.path("args").path("op_name").asText("?"));
      shapes.putIfAbsent(node, shape(e.path("args").path("output_type_shape")));
    }
    StringBuilder out = new StringBuilder();
    if (micros.isEmpty()) return "  (no node times in ONNX Runtime's profile)\n";
    Map<String, Double> byOp = new LinkedHashMap<>();
    double total = 0;
    StringBuilder nodes = new StringBuilder();
    for (Map.Entry<String, List<Double>> entry : micros.entrySet()) {
      double median = median(entry.getValue());
      String op = ops.get(entry.getKey());
      byOp.merge(op, median, Double::sum);
      total += median;
      nodes.append(String.format(Locale.ROOT, "  %-40s %-16s %-18s %9.3f%n", brief(entry.getKey()), op,
          shapes.get(entry.getKey()), median / 1000));
    }
    out.append(String.format(Locale.ROOT, "  ONNX Runtime's profile over %d runs: %.2f ms of node time a run%n",
        micros.values().iterator().next().size(), total / 1000));
    out.append(String.format(Locale.ROOT, "  %-16s %10s %7s%n", "operator", "ms", "share"));
    double all = total;
    byOp.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).forEach(e ->
        out.append(String.format(Locale.ROOT, "  %-16s %10.2f %6.1f%%%n", e.getKey(), e.getValue() / 1000,
            100 * e.getValue() / all)));
    out.append(String.format(Locale.ROOT, "  %-40s %-16s %-18s %9s%n", "node, in the order run", "operator", "output", "ms"));
    return out.append(nodes).toString();
  }

  /** "[1, 64, 56, 56]" from ONNX Runtime's [{"float": [1, 64, 56, 56]}]. */
  private static String shape(JsonNode outputs) {
    if (!outputs.isArray() || outputs.isEmpty()) return "";
    JsonNode first = outputs.get(0);
    JsonNode dims = first.elements().hasNext() ? first.elements().next() : null;
    return dims == null ? "" : dims.toString().replace(",", ", ");
  }

  private static String brief(String node) {
    return node.length() > 40 ? "..." + node.substring(node.length() - 37) : node;
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
