package dev.hubel.model;

import dev.hubel.op.Dropout;
import dev.hubel.tensor.Param;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints a model the way the lecture prints AlexNet, one layer a line:
 * <pre>
 *   [28x28x6]   CONV1: 6 5x5 filters at stride 1, pad 0, ReLU   (5*5*1)*6 + 6 = 156
 * </pre>
 * A ReLU or dropout that directly follows its layer is folded into that layer's line, as the
 * papers' tables do; the last line is the total.
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
      for (String folded; i + 1 < nodes.size() && (folded = foldedWords(nodes.get(i + 1), shown)) != null; ) {
        shown = nodes.get(++i);
        layer += ", " + folded;
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

  /**
   * A ReLU or a dropout whose only input is the node just shown adds nothing a reader needs a line
   * for: it becomes a few words on that line ("ReLU", "dropout 0.5"), as in the papers' tables.
   * Null when {@code next} does not fold.
   */
  private static String foldedWords(Node next, Node shown) {
    if (next.inputs().size() != 1 || next.inputs().get(0) != shown) return null;
    if (next.op().kind().equals("RELU")) return "ReLU";
    if (next.op() instanceof Dropout d) return "dropout " + BigDecimal.valueOf(d.p()).stripTrailingZeros().toPlainString();
    return null;
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
