package dev.hubel.cli;

import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import dev.hubel.onnx.OnnxImport;
import java.nio.file.Path;
import java.util.Locale;

/** A model from a file by its kind: an ONNX model (.onnx) or Hubel's own safetensors model file or checkpoint. */
final class ModelFiles {
  private ModelFiles() {}

  static Model load(Path file) {
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) return OnnxImport.load(file);
    return ModelFile.load(file);
  }
}
