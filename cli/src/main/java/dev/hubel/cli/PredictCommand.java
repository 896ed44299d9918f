package dev.hubel.cli;

import dev.hubel.data.ImageFolder;
import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Classify images with a model file: the top classes of each image with their probabilities.",
        "Each image is converted to the model's channels (grey or RGB) and resized to its input, scaled to [0, 1]",
        "and normalised as the model was trained."},
    footer = {"", "Example:", "  ./hubel predict runs/lenet-5-20261125-101500/model.safetensors shoe.png shirt.jpg"})
final class PredictCommand implements Runnable {

  @Parameters(index = "0", paramLabel = "MODEL_FILE", description = "A model file written by 'hubel train' (model.safetensors), a checkpoint, or an ONNX model (.onnx).")
  Path file;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG images.")
  List<Path> images;

  @Option(names = "--top", description = "How many classes to show per image (default: ${DEFAULT-VALUE}).")
  int top = 5;

  @Override
  public void run() {
    if (top < 1) throw new UserException("--top must be at least 1, received " + top);
    Model model = ModelFiles.load(file);
    Shape in = model.inputShape();
    if (!in.isVolume()) {
      throw new UserException(model.name() + " takes [" + in + "], not images; predict classifies images only");
    }
    List<String> names = model.classNames();
    for (Path image : images) {
      float[] probs = model.predict(ImageFolder.readImage(image, in.c(), in.h(), in.w()));
      System.out.println(image + ":");
      for (int k : topIndices(probs, Math.min(top, probs.length))) {
        String label = names != null && k < names.size() ? names.get(k) : "class " + k;
        System.out.printf(Locale.ROOT, "  %6.2f%%  %s%n", 100 * probs[k], label);
      }
    }
  }

  /** Indices of the {@code k} largest values, largest first (ties: lower index first). */
  static int[] topIndices(float[] v, int k) {
    int[] best = new int[k];
    boolean[] taken = new boolean[v.length];
    for (int r = 0; r < k; r++) {
      int arg = -1;
      for (int i = 0; i < v.length; i++) if (!taken[i] && (arg < 0 || v[i] > v[arg])) arg = i;
      taken[arg] = true;
      best[r] = arg;
    }
    return best;
  }
}
