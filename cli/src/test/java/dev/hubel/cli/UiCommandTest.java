package dev.hubel.cli;

import static dev.hubel.cli.CliRun.run;

import dev.hubel.cli.CliRun.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.data.Dataset;
import dev.hubel.io.ModelFile;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import dev.hubel.train.RunFolder;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.TrainingRun;
import dev.hubel.zoo.LeNet5;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ./hubel ui runs/<name>: a saved run's page, and what it says when the folder is not one. */
@Timeout(60)
class UiCommandTest {

  @Test
  void aFolderThatIsNotARunIsNamedWithoutAStackTrace(@TempDir Path dir) {
    Result missing = run("ui", dir.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("hubel ui: " + dir.resolve("nope")
        + " not found; expected a run's folder, runs/<name>/ with run.json and metrics.csv" + System.lineSeparator());
    Result empty = run("ui", dir.toString());
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).contains(dir + " is not a run's folder: it has no metrics.csv").doesNotContain("\tat ");
  }

  @Test
  void aBrokenModelFileIsNamed(@TempDir Path runs) throws Exception {
    RunFolder folder = RunFolder.create(runs, "broken");
    Files.writeString(folder.dir().resolve("model.safetensors"), "not safetensors");
    Result r = run("ui", folder.dir().toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("hubel ui: ").contains("model.safetensors").doesNotContain("internal error").doesNotContain("\tat ");
  }

  @Test
  void servesASavedRunsPageUntilStopped(@TempDir Path runs) throws Exception {
    SplittableRandom rng = new SplittableRandom(1);
    int n = 64;
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(3);
    Dataset data = new Dataset("noise", Shape.chw(1, 28, 28), x, y, new String[] {"a", "b", "c"});
    Model model = LeNet5.build(3, Shape.chw(1, 28, 28)).initialize(Init.HE, 1);
    RunFolder folder = RunFolder.create(runs, "noise-1");
    new TrainingRun(model, data, new TrainConfig(1, 16, 0.01f, 0.9f, 0, 1)).listen(folder).train();
    ModelFile.save(model, folder.dir().resolve("model.safetensors"));

    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    Thread server = Thread.ofPlatform().start(() -> Main.run("ui", folder.dir().toString(), "--port", "0"));
    try {
      Pattern line = Pattern.compile("hubel ui: " + Pattern.quote(folder.dir().toString()) + " at (http://127\\.0\\.0\\.1:\\d+/) \\(Ctrl-C to stop\\)");
      Matcher m;
      while (!(m = line.matcher(out.toString(StandardCharsets.UTF_8))).find()) Thread.sleep(20);
      HttpResponse<String> state = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(m.group(1)).resolve("/api/state")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(state.statusCode()).isEqualTo(200);
      assertThat(state.body()).contains("\"name\":\"noise-1\"").contains("\"phase\":\"saved\"").contains("\"CONV1\"");
    } finally {
      server.interrupt();
      server.join(10_000);
      System.setOut(oldOut);
    }
    assertThat(server.isAlive()).as("ui stops when interrupted").isFalse();
  }
}
