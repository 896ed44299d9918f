package dev.hubel.cli;

import static dev.hubel.cli.CliRun.run;

import dev.hubel.cli.CliRun.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** train, eval and predict end to end on a small generated IDX dataset, as a user runs them. */
class TrainCommandTest {

  @TempDir
  static Path tmp;
  static Path data;

  @BeforeAll
  static void writeData() throws IOException {
    data = SyntheticIdx.write(tmp.resolve("shapes"), 1200, 7);
  }

  private static Result first;

  /** One trained run that several tests read; trained by whichever test needs it first. */
  private static synchronized Result first() {
    if (first == null) first = run(trainArgs("first", 3));
    return first;
  }

  private static String[] trainArgs(String name, int epochs) {
    return new String[] {"train", "lenet5", "--data", data.toString(), "--epochs", String.valueOf(epochs),
        "--runs", tmp.resolve("runs").toString(), "--name", name, "--lr", "0.02"};
  }

  private static double accuracyIn(String out) {
    Matcher m = Pattern.compile("test accuracy: ([0-9.]+)%").matcher(out);
    assertThat(m.find()).as("'test accuracy: NN.NN%%' in:%n%s", out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void trainWritesItsRunFolderAndEvalAndPredictReadTheModelFile() throws IOException {
    Result r = first();
    assertThat(r.code()).as(r.err()).isZero();
    double trained = accuracyIn(r.out());
    assertThat(trained).isGreaterThan(90);
    Path dir = tmp.resolve("runs/first");
    for (String f : List.of("run.json", "metrics.csv", "chart.png", "checkpoint.safetensors", "model.safetensors", "job.json")) {
      assertThat(dir.resolve(f)).as(f).isRegularFile();
    }
    assertThat(Files.readAllLines(dir.resolve("metrics.csv"))).hasSize(4);  // header and 3 epochs
    assertThat(r.out()).contains("model file:  " + dir.resolve("model.safetensors"));

    Result e = run("eval", dir.resolve("model.safetensors").toString(), "--data", data.toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(accuracyIn(e.out())).as("eval repeats train's figure").isEqualTo(trained);
    assertThat(e.out()).contains("rows: true class; columns: predicted class");

    Path png = tmp.resolve("three.png");
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, 28, 28, SyntheticIdx.image(3, new SplittableRandom(1)));
    ImageIO.write(img, "png", png.toFile());
    Result p = run("predict", dir.resolve("model.safetensors").toString(), png.toString());
    assertThat(p.code()).as(p.err()).isZero();
    String[] lines = p.out().split("\n");
    assertThat(lines[0]).isEqualTo(png + ":");
    assertThat(lines).hasSize(6);  // the image and its top 5
    assertThat(lines[1]).endsWith("  3");  // the square of class 3 ranks first
  }

  /**
   * The promise: a run killed with kill -9 and resumed ends with the weights of one never
   * interrupted. The run is a separate JVM, killed (SIGKILL) as soon as its first checkpoint is on disk.
   */
  @Test
  void aRunKilledWithSigkillAndResumedEndsBitIdenticalToAnUninterruptedOne() throws Exception {
    int epochs = 6;
    Result straight = run(trainArgs("straight", epochs));
    assertThat(straight.code()).as(straight.err()).isZero();

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(trainArgs("killed", epochs)));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
    Path checkpoint = tmp.resolve("runs/killed/checkpoint.safetensors");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(checkpoint) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
    child.destroyForcibly();  // SIGKILL: no shutdown hooks, no finally blocks
    child.waitFor();
    assertThat(Files.readString(tmp.resolve("killed.log"))).as("the child was killed before it finished").doesNotContain("test accuracy");

    Result resumed = run("train", "--resume", tmp.resolve("runs/killed").toString());
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).containsPattern("Resuming .* after epoch [1-5] of 6");
    Model a = ModelFile.load(tmp.resolve("runs/straight/model.safetensors"));
    Model b = ModelFile.load(tmp.resolve("runs/killed/model.safetensors"));
    for (int i = 0; i < a.params().size(); i++) {
      assertThat(b.params().get(i).value()).as(a.params().get(i).name()).containsExactly(a.params().get(i).value());
    }
    assertThat(Files.readAllLines(tmp.resolve("runs/killed/metrics.csv"))).hasSize(epochs + 1);
    assertThat(accuracyIn(resumed.out())).isEqualTo(accuracyIn(straight.out()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown model          | train nosuchnet --data DATA                  | no model named 'nosuchnet'; the zoo has: alexnet",
      "no data                | train lenet5                                 | --data is missing",
      "no model               | train --data DATA                            | which model?",
      "bad augmentation       | train lenet5 --data DATA --augment wobble    | unknown augmentation 'wobble'",
      "bad input shape        | train lenet5 --data DATA --input 1by28       | --input 1by28: expected C x H x W",
      "negative learning rate | train lenet5 --data DATA --lr -1             | learning rate must be a positive number, received -1.0",
      "resume changes a flag  | train --resume RUNS --epochs 3               | only --threads, --ui and --port may be given",
      "resume a non-run       | train --resume DATA                          | is not a run folder made by 'hubel train'",
      "missing dataset path   | train lenet5 --data /no/such/place           | /no/such/place",
      "eval of a non-model    | eval DATA/train-labels-idx1-ubyte --data DATA | train-labels-idx1-ubyte",
      "predict a non-image    | predict MODEL DATA/train-labels-idx1-ubyte   | train-labels-idx1-ubyte",
  })
  void mistakesGetOneClearLineAndExitCode2(String what, String line, String expected) throws IOException {
    Path model = tmp.resolve("runs/first/model.safetensors");
    assertThat(first().code()).isZero();
    String[] args = line.trim().replace("DATA", data.toString()).replace("RUNS", tmp.resolve("runs/first").toString())
        .replace("MODEL", model.toString()).split(" +");
    Result r = run(args);
    assertThat(r.code()).as(what + ": " + r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains(expected.trim());
    assertThat(r.err()).doesNotContain("\tat ");
  }

  /** Zoo models beyond LeNet train from the command line on the formats they take: an image folder, a TSV of sentences. */
  @Test
  void resnet20TrainsOnAnImageFolderAndTextCnnOnSentences() throws IOException {
    Path folder = tmp.resolve("pictures");
    SplittableRandom rnd = new SplittableRandom(3);
    for (String cls : List.of("dark", "light")) {
      Files.createDirectories(folder.resolve(cls));
      for (int i = 0; i < 12; i++) {
        BufferedImage img = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 20; x++) {
          int v = (cls.equals("dark") ? 40 : 200) + rnd.nextInt(40);
          img.setRGB(x, y, v << 16 | v << 8 | v);
        }
        ImageIO.write(img, "png", folder.resolve(cls).resolve(i + ".png").toFile());
      }
    }
    Result images = run("train", "resnet20", "--data", folder.toString(), "--input", "3x32x32", "--epochs", "1",
        "--batch", "8", "--runs", tmp.resolve("runs").toString(), "--name", "resnet20-pictures");
    assertThat(images.code()).as(images.err()).isZero();
    assertThat(images.out()).contains("ResNet-20").contains("test accuracy:");

    StringBuilder tsv = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      tsv.append(i % 2 == 0 ? "good\ta fine and lovely film number " : "bad\ta dull and awful film number ").append(i).append('\n');
    }
    Path sentences = Files.writeString(tmp.resolve("reviews.tsv"), tsv);
    Result text = run("train", "textcnn", "--data", sentences.toString(), "--epochs", "2", "--batch", "8",
        "--runs", tmp.resolve("runs").toString(), "--name", "textcnn-reviews");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("TextCNN").contains("test accuracy:");
  }

  /** --ui serves the dashboard while training and ends by itself; the last lines say how to reopen the page. */
  @Test
  void trainWithUiServesTheDashboardAndStillEndsByItself() {
    Result r = run("train", "lenet5", "--data", data.toString(), "--epochs", "1", "--ui",
        "--runs", tmp.resolve("runs").toString(), "--name", "with-ui");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("dashboard: +http://127\\.0\\.0\\.1:[0-9]+/")
        .contains("its page:    ./hubel ui " + tmp.resolve("runs/with-ui"));
  }

  /** Data of any shape comes as a safetensors file of examples and labels: here Go positions for the AlphaGo policy network. */
  @Test
  void alphaGoPolicyTrainsOnPositionsFromATensorFile() {
    int n = 40, side = 9;
    SplittableRandom rnd = new SplittableRandom(5);
    float[] planes = new float[n * 48 * side * side];
    float[] moves = new float[n];
    for (int i = 0; i < n; i++) {
      moves[i] = rnd.nextInt(side * side);
      for (int k = 0; k < 48 * side * side; k++) planes[i * 48 * side * side + k] = rnd.nextInt(2);
    }
    Path file = tmp.resolve("positions.safetensors");
    dev.hubel.io.SafeTensors.write(file, java.util.Map.of(), List.of(
        new dev.hubel.io.SafeTensors.Entry("examples", new int[] {n, 48, side, side}, planes),
        new dev.hubel.io.SafeTensors.Entry("labels", new int[] {n}, moves)));
    Result r = run("train", "alphago-policy", "--data", file.toString(), "--epochs", "1", "--batch", "8", "--lr", "0.005",
        "--runs", tmp.resolve("runs").toString(), "--name", "alphago");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("AlphaGo policy").contains("test accuracy:");
    Result bad = run("train", "alphago-policy", "--data", tmp.resolve("three.png").toString() + ".safetensors");
    assertThat(bad.code()).isEqualTo(2);
  }

  /** --ensemble K trains K runs from consecutive seeds and reports each member's test error and the ensemble's. */
  @Test
  void anEnsembleOfTwoReportsEachMemberAndTheirAverage() {
    Result r = run("train", "lenet5", "--data", data.toString(), "--epochs", "1", "--ensemble", "2", "--lr", "0.02",
        "--runs", tmp.resolve("runs").toString(), "--name", "pair");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("== member 1 of 2 (seed 1)").contains("== member 2 of 2 (seed 2)");
    assertThat(tmp.resolve("runs/pair-1/model.safetensors")).isRegularFile();
    assertThat(tmp.resolve("runs/pair-2/model.safetensors")).isRegularFile();
    assertThat(r.out()).contains("pair-1").contains("pair-2").containsIgnoringCase("ensemble");
  }

  /** --recipe with --ensemble K trains K members of the recipe, each saving the recipe with its own seed. */
  @Test
  void aRecipeTrainsAnEnsembleWithASeedPerMember() throws java.io.IOException {
    Result r = run("train", "--recipe", "lenet5", "--data", data.toString(), "--epochs", "1", "--seed", "5", "--ensemble", "2",
        "--runs", tmp.resolve("runs").toString(), "--name", "duo");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("== member 1 of 2 (seed 5)").contains("== member 2 of 2 (seed 6)").containsIgnoringCase("ensemble");
    assertThat(dev.hubel.train.Recipe.read(tmp.resolve("runs/duo-1/recipe.json")).train().seed()).isEqualTo(5);
    assertThat(dev.hubel.train.Recipe.read(tmp.resolve("runs/duo-2/recipe.json")).train().seed()).isEqualTo(6);
    assertThat(dev.hubel.train.Recipe.read(tmp.resolve("runs/duo-2/recipe.json")).model().name()).isEqualTo("lenet5");
  }

  /** --recipe trains as the zoo's recipe says, with the data and length overridden, and saves the recipe into the run. */
  @Test
  void aZooRecipeTrainsAndIsSavedIntoItsRun() {
    Result r = run("train", "--recipe", "lenet5", "--data", data.toString(), "--epochs", "1",
        "--runs", tmp.resolve("runs").toString(), "--name", "recipe");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("schedule cosine").contains("test accuracy:");
    assertThat(tmp.resolve("runs/recipe/recipe.json")).isRegularFile();
    Result refused = run("train", "--recipe", "lenet5", "--data", data.toString(), "--lr", "0.5");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("--recipe states lr itself");
  }
}
