package dev.hubel.cli;

import static dev.hubel.cli.CliRun.run;

import dev.hubel.cli.CliRun.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import dev.hubel.onnx.OnnxImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./hubel export and ./hubel import as a user meets them. */
class OnnxCliTest {
  @TempDir
  Path dir;

  @Test
  void exportsAModelFileAndImportsItBack() {
    Path original = dir.resolve("lenet.safetensors"), onnx = dir.resolve("lenet.onnx"), back = dir.resolve("back.safetensors");
    Model m = ModelNames.build("lenet5");
    m.setClassNames(java.util.List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"));
    ModelFile.save(m, original);

    Result export = run("export", original.toString(), onnx.toString());
    assertThat(export.code()).as(export.err()).isZero();
    assertThat(export.out()).contains("wrote " + onnx + ": LeNet-5, 61,706 params, ONNX opset 13")
        .contains("input 'input' [N, 1, 32, 32] float32, output 'output' [N, 10]: scores");

    Result imported = run("import", onnx.toString(), back.toString());
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("Total params: 61,706").endsWith("wrote " + back + "\n");
    Model read = ModelFile.load(back);
    assertThat(read.classNames()).isEqualTo(m.classNames());
    float[] x = new float[m.inputShape().size()];
    for (int i = 0; i < x.length; i++) x[i] = (i % 7) / 7f;
    assertThat(read.predict(x)).containsExactly(m.predict(x));
  }

  @Test
  void exportsAZooModelUntrainedAndSaysSo() {
    Path onnx = dir.resolve("resnet20.onnx");
    Result r = run("export", "resnet20", onnx.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("note: resnet20 is a zoo model, untrained");
    assertThat(OnnxImport.load(onnx).paramCount()).isEqualTo(ModelNames.build("resnet20").paramCount());
  }

  @Test
  void importOfAFileThatIsNotOnnxSaysSoWithoutAStackTrace() throws IOException {
    Path text = Files.writeString(dir.resolve("model.onnx"), "not a model");
    Result r = run("import", text.toString(), dir.resolve("out.safetensors").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("hubel import: " + text + ": is not an ONNX model").doesNotContain("\tat ");
    assertThat(dir.resolve("out.safetensors")).doesNotExist();
  }

  @Test
  void exportOfAnUnknownNameListsTheZoo() {
    Result r = run("export", "nosuchnet", dir.resolve("x.onnx").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no model named 'nosuchnet'").contains("lenet5");
  }
}
