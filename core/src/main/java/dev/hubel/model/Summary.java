package dev.hubel.model;

import dev.hubel.tensor.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints a model the way the lecture prints AlexNet, one layer a line:
 * <pre>
 *   [28x28x6]   CONV1: 6 5x5 filters at stride 1, pad 0, ReLU   (5*5*1)*6 + 6 = 156
 * </pre>
 * A ReLU that directly follows its layer is folded into that layer's line, as the papers'
 * tables do; the last line is the total.
 */
final class Summary {
  private Summary() {}

  private record Row(String volume, String layer, String params) {}

  static String of(Model model) {
    List<Row> rows = new ArrayList<>();
    List<Node> nodes = model.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      String words = node.op().describe();
      String layer = words.isEmpty() ? node.name() : node.name() + ": " + words;
      String count = countOf(model.paramsOf(i), node.op().paramFormula());
      Node shown = node;
      while (i + 1 < nodes.size() && foldsInto(nodes.get(i + 1), shown)) {
        shown = nodes.get(++i);
        layer += ", ReLU";
      }
      if (shown == model.output() && node.op().kind().equals("FC")) layer += " (class scores)";
      rows.add(new Row("[" + shown.shape() + "]", layer, count));
    }
    int volumeWidth = rows.stream().mapToInt(r -> r.volume.length()).max().orElse(0);
    int layerWidth = rows.stream().mapToInt(r -> r.layer.length()).max().orElse(0);
    StringBuilder sb = new StringBuilder();
    sb.append(model.name()).append('\n');
    String format = "%-" + volumeWidth + "s  %-" + layerWidth + "s  %s";
    sb.append(String.format(Locale.ROOT, format, "Output", "Layer", "Params").stripTrailing()).append('\n');
    for (Row r : rows) sb.append(String.format(Locale.ROOT, format, r.volume, r.layer, r.params).stripTrailing()).append('\n');
    sb.append("Total params: ").append(String.format(Locale.ROOT, "%,d", model.paramCount())).append('\n');
    return sb.toString();
  }

  /** A ReLU whose only input is the node just shown adds nothing a reader needs a line for. */
  private static boolean foldsInto(Node next, Node shown) {
    return next.op().kind().equals("RELU") && next.inputs().size() == 1 && next.inputs().get(0) == shown;
  }

  /**
   * The row of the table that shows a node's output: its own, or for a folded ReLU (or dropout) the
   * row of the layer it follows. Layers that join branches (ADD, CONCAT) name their inputs by
   * it, so that "ADD2: BN5 + ADD1" points at rows a reader can find.
   */
  static String rowName(Node node) {
    Node n = node;
    while (n.id > 0 && (n.op().kind().equals("RELU") || n.op().kind().equals("DROPOUT"))
        && n.inputs().size() == 1 && n.inputs().get(0).id == n.id - 1) {
      n = n.inputs().get(0);
    }
    return n.name();
  }

  private static String countOf(Param[] params, String formula) {
    long total = 0;
    for (Param p : params) if (p.trainable()) total += p.size();
    String n = String.format(Locale.ROOT, "%,d", total);
    return formula.isEmpty() ? n : formula + " = " + n;
  }
}
