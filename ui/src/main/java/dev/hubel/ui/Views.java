package dev.hubel.ui;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.tensor.Param;
import dev.hubel.train.EpochResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What the page is sent, as records Jackson writes as JSON. Numbers that may be missing (no
 * validation, no speed yet) are boxed and null, never NaN, which JSON cannot carry.
 */
final class Views {
  private Views() {}

  /** A row of the layer table, as {@code Model.summary()} counts it: the layer, its output volume, its parameters. */
  record Layer(String name, String kind, String words, String output, long params, String formula) {}

  record Run(String name, String model, long parameters, String input, String dataset, List<String> classes,
             Integer epochs, Integer batch, String saveDir, boolean live) {}

  /** Where training stands; {@code phase} is waiting, training, paused, finished or saved. */
  record Status(String phase, int epoch, int epochs, int batch, int batches, long step, Double imagesPerSecond,
                Double secondsLeft, Double learningRate, String message) {}

  /** A point of the training curves: loss and accuracy over the batches since the previous point. */
  record Point(long step, double x, Double loss, Double accuracy) {}

  record Epoch(int epoch, Double loss, Double accuracy, Double valLoss, Double valAccuracy, Double learningRate,
               Double imagesPerSecond, Double seconds) {}

  record Guess(int index, String name, double p) {}

  record LayerPicture(String name, String output, String image, int width, int height, int shown, int total) {}

  record Filters(String layer, String shape, String image, int width, int height, int shown, int total) {}

  record Example(String image, int label, String labelName, List<Guess> top, boolean right) {}

  record Inspection(long version, long step, int epoch, String source, Example sample, List<LayerPicture> activations,
                    Filters filters, List<Example> grid) {}

  record Confusion(String source, long count, int epoch, List<String> classes, long[][] matrix, double accuracy) {}

  record Prediction(List<Guess> top, String input, List<LayerPicture> activations) {}

  static Double number(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static Epoch epoch(EpochResult r) {
    return new Epoch(r.epoch(), number(r.loss()), number(r.accuracy()), number(r.validationLoss()),
        number(r.validationAccuracy()), number(r.learningRate()), number(r.imagesPerSecond()), number(r.seconds()));
  }

  /** One row per node, input to output; a node's parameters are those named after it ({@code CONV1.weight}). */
  static List<Layer> layers(Model model) {
    List<Layer> rows = new ArrayList<>();
    for (Node node : model.nodes()) {
      long params = 0;
      for (Param p : model.params()) if (p.trainable() && p.name().startsWith(node.name() + ".")) params += p.size();
      rows.add(new Layer(node.name(), node.op().kind(), node.op().describe(), node.shape().toString(), params,
          node.op().paramFormula()));
    }
    return rows;
  }

  /** Class names the page labels outputs with: the model's, else the data's, else "class k". */
  static List<String> classNames(Model model, String[] dataNames) {
    int k = model.outputShape().size();
    List<String> names = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      if (model.classNames() != null && j < model.classNames().size()) names.add(model.classNames().get(j));
      else if (dataNames != null && j < dataNames.length) names.add(dataNames[j]);
      else names.add("class " + j);
    }
    return names;
  }
}
