package dev.hubel.cli;

import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import dev.hubel.onnx.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a model as ONNX (opset 13), to run in ONNX Runtime, TensorRT or on a phone. The file takes a batch of"
        + " inputs as they come from the data (the model's normalisation is in it) and gives the scores; a softmax gives probabilities.")
final class ExportCommand implements Runnable {

  @Parameters(index = "0", paramLabel = "MODEL", description = "A Hubel model file, or a zoo model name for an untrained model (e.g. lenet5).")
  String model;

  @Parameters(index = "1", paramLabel = "FILE.onnx", description = "The ONNX file to write.")
  Path out;

  @Override
  public void run() {
    Path file = Path.of(model);
    Model m;
    if (Files.isRegularFile(file)) {
      m = ModelFile.load(file);
    } else {
      m = ModelNames.build(model);
      System.out.println("note: " + model + " is a zoo model, untrained (He initialisation, seed 0); export a trained model file to use it");
    }
    OnnxExport.save(m, out);
    System.out.printf(Locale.ROOT, "wrote %s: %s, %,d params, ONNX opset %d%n", out, m.name(), m.paramCount(), OnnxExport.OPSET);
    System.out.printf(Locale.ROOT, "  input 'input' %s float32, output 'output' %s: scores%n", dims(m.inputShape().dims()),
        dims(m.outputShape().dims()));
    if (m.normalization() != null) System.out.println("  normalisation: in the file, as Sub and Div at the input");
  }

  private static String dims(int[] d) {
    return "[N, " + Arrays.toString(d).substring(1);
  }
}
