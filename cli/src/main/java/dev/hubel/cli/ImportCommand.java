package dev.hubel.cli;

import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import dev.hubel.onnx.OnnxImport;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Read an ONNX model (from PyTorch or another tool) and save it as a Hubel model file, to train, evaluate or predict with.")
final class ImportCommand implements Runnable {

  @Parameters(index = "0", paramLabel = "FILE.onnx", description = "The ONNX model to read.")
  Path onnx;

  @Parameters(index = "1", paramLabel = "MODEL", description = "The Hubel model file to write.")
  Path out;

  @Override
  public void run() {
    OnnxImport.Result r = OnnxImport.read(onnx, null);
    Model m = r.model();
    ModelFile.save(m, out);
    System.out.print(m.summary());
    for (String note : r.notes()) System.out.println("note: " + note);
    System.out.println("wrote " + out);
  }
}
