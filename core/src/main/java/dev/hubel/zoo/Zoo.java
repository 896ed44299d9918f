package dev.hubel.zoo;

import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The zoo by name, as the CLI and a recipe name its models, each buildable for a number of classes
 * and an input shape (what a dataset has), with the paper's values as defaults.
 */
public final class Zoo {
  private Zoo() {}

  /**
   * What a user may change about a zoo model. Null means the paper's value.
   *
   * @param input C x H x W for image models; for textcnn a vector of L token ids
   * @param vocabulary textcnn's vocabulary size (from the data's vocabulary)
   */
  public record Options(Integer classes, Shape input, Integer vocabulary) {
    public static final Options DEFAULTS = new Options(null, null, null);

    int classesOr(int paper) {
      return classes == null ? paper : classes;
    }

    Shape inputOr(Shape paper) {
      return input == null ? paper : input;
    }
  }

  @FunctionalInterface
  private interface Builder {
    Model build(Options o);
  }

  private static final Map<String, Builder> MODELS = new TreeMap<>();

  static {
    MODELS.put("lenet5", o -> LeNet5.build(o.classesOr(10), o.inputOr(Shape.chw(1, 32, 32))));
    MODELS.put("fashion-cnn", o -> FashionCnn.build(o.classesOr(10), o.inputOr(Shape.chw(1, 28, 28))));
    MODELS.put("alexnet", o -> AlexNet.build(o.classesOr(1000), o.inputOr(Shape.chw(3, 227, 227)), false));
    MODELS.put("alexnet-two-towers", o -> AlexNet.build(o.classesOr(1000), o.inputOr(Shape.chw(3, 227, 227)), true));
    MODELS.put("vgg16", o -> Vgg16.build(o.classesOr(1000), o.inputOr(Shape.chw(3, 224, 224))));
    Shape imagenet = Shape.chw(3, 224, 224), cifar = Shape.chw(3, 32, 32);
    MODELS.put("googlenet", o -> GoogLeNet.build(o.classesOr(1000), o.inputOr(imagenet)));
    // ResNet for ImageNet (torchvision's), and for CIFAR-10 (He et al. 2016, sec. 4.2)
    MODELS.put("resnet18", o -> ResNet.resnet18(o.classesOr(1000), o.inputOr(imagenet)));
    MODELS.put("resnet34", o -> ResNet.resnet34(o.classesOr(1000), o.inputOr(imagenet)));
    MODELS.put("resnet50", o -> ResNet.resnet50(o.classesOr(1000), o.inputOr(imagenet)));
    MODELS.put("resnet101", o -> ResNet.resnet101(o.classesOr(1000), o.inputOr(imagenet)));
    MODELS.put("resnet152", o -> ResNet.resnet152(o.classesOr(1000), o.inputOr(imagenet)));
    MODELS.put("resnet20", o -> CifarResNet.resnet20(o.classesOr(10), o.inputOr(cifar)));
    MODELS.put("resnet32", o -> CifarResNet.resnet32(o.classesOr(10), o.inputOr(cifar)));
    MODELS.put("resnet44", o -> CifarResNet.resnet44(o.classesOr(10), o.inputOr(cifar)));
    MODELS.put("resnet56", o -> CifarResNet.resnet56(o.classesOr(10), o.inputOr(cifar)));
    MODELS.put("resnet110", o -> CifarResNet.resnet110(o.classesOr(10), o.inputOr(cifar)));
    MODELS.put("textcnn", o -> {
      Shape in = o.inputOr(Shape.vector(56));
      if (in.rank() != 1) throw new ShapeException("textcnn takes a vector of token ids, received [" + in + "]");
      return TextCnn.build(o.vocabulary == null ? 20_000 : o.vocabulary, in.dim(0), 300, o.classesOr(2));
    });
    MODELS.put("alphago-policy", o -> {
      Shape in = o.inputOr(Shape.chw(48, 19, 19));
      // one output per point of the board; a dataset whose moves use fewer points still fits
      if (o.classes != null && o.classes > in.h() * in.w()) {
        throw new ShapeException("alphago-policy scores every point of its board: at most " + in.h() * in.w()
            + " classes for a " + in.h() + "x" + in.w() + " board, not " + o.classes);
      }
      if (!in.isVolume() || in.c() != 48 || in.h() != in.w()) {
        throw new ShapeException("alphago-policy takes 48 feature planes of a square board (48xNxN), received [" + in + "]");
      }
      return AlphaGoPolicy.build(in.h(), 192);
    });
  }

  /** Every name the zoo knows, sorted. */
  public static Set<String> names() {
    return java.util.Collections.unmodifiableSet(MODELS.keySet());
  }

  public static boolean has(String name) {
    return MODELS.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** The paper's model. */
  public static Model build(String name) {
    return build(name, Options.DEFAULTS);
  }

  /** The model called {@code name}; an unknown name is refused with the list of those that exist. */
  public static Model build(String name, Options options) {
    Builder b = MODELS.get(name.toLowerCase(Locale.ROOT));
    if (b == null) {
      throw new IllegalArgumentException("no model named '" + name + "'; the zoo has: " + String.join(", ", MODELS.keySet()));
    }
    return b.build(options);
  }
}
