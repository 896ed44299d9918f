package dev.hubel.cli;

import dev.hubel.model.Model;
import dev.hubel.zoo.AlexNet;
import dev.hubel.zoo.AlphaGoPolicy;
import dev.hubel.zoo.LeNet5;
import dev.hubel.zoo.TextCnn;
import dev.hubel.zoo.Vgg16;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The zoo by the names the CLI knows it. */
final class ModelNames {
  private ModelNames() {}

  private static final Map<String, Supplier<Model>> ZOO = new TreeMap<>(Map.of(
      "lenet5", LeNet5::build,
      "alexnet", AlexNet::build,
      "vgg16", Vgg16::build,
      "textcnn", TextCnn::build,
      "alphago-policy", AlphaGoPolicy::build));

  static Model build(String name) {
    Supplier<Model> make = ZOO.get(name.toLowerCase(java.util.Locale.ROOT));
    if (make == null) {
      throw new UserException("no model named '" + name + "'; the zoo has: " + String.join(", ", ZOO.keySet()));
    }
    return make.get();
  }
}
