package dev.hubel.cli;

import dev.hubel.model.Model;
import dev.hubel.zoo.CifarResNet;
import dev.hubel.zoo.GoogLeNet;
import dev.hubel.zoo.LeNet5;
import dev.hubel.zoo.ResNet;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The zoo by the names the CLI knows it. */
final class ModelNames {
  private ModelNames() {}

  private static final Map<String, Supplier<Model>> ZOO = new TreeMap<>();

  static {
    ZOO.put("lenet5", LeNet5::build);
    // ResNet for ImageNet (torchvision's), for CIFAR-10 (He et al. sec. 4.2), GoogLeNet
    ZOO.put("resnet18", ResNet::resnet18);
    ZOO.put("resnet34", ResNet::resnet34);
    ZOO.put("resnet50", ResNet::resnet50);
    ZOO.put("resnet101", ResNet::resnet101);
    ZOO.put("resnet152", ResNet::resnet152);
    ZOO.put("resnet20", CifarResNet::resnet20);
    ZOO.put("resnet32", CifarResNet::resnet32);
    ZOO.put("resnet44", CifarResNet::resnet44);
    ZOO.put("resnet56", CifarResNet::resnet56);
    ZOO.put("resnet110", CifarResNet::resnet110);
    ZOO.put("googlenet", GoogLeNet::build);
  }

  static Model build(String name) {
    Supplier<Model> make = ZOO.get(name.toLowerCase(java.util.Locale.ROOT));
    if (make == null) {
      throw new UserException("no model named '" + name + "'; the zoo has: " + String.join(", ", ZOO.keySet()));
    }
    return make.get();
  }
}
