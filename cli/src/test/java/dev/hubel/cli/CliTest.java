package dev.hubel.cli;

import static dev.hubel.cli.CliRun.run;

import dev.hubel.cli.CliRun.Result;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ./hubel as a user meets it: exit codes, what it prints, and never a stack trace for a user's mistake. */
class CliTest {

  private static void assertNoStackTrace(Result r) {
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.out()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void summaryOfLeNet5PrintsTheTable() {
    Result r = run("summary", "lenet5");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("LeNet-5\n")
        .contains("[28x28x6]   CONV1: 6 5x5 filters at stride 1, pad 0, ReLU")
        .contains("(5*5*1)*6 + 6 = 156")
        .endsWith("Total params: 61,706\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void summaryOfAnUnknownModelListsTheZoo() {
    Result r = run("summary", "nosuchnet");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("nosuchnet").contains("lenet5");
    assertNoStackTrace(r);
  }

  @Test
  void demoWithoutTheDataNamesTheDirectoryAndTheInstallCommand() {
    Result r = run("demo", "--data", "/nonexistent/dir");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("/nonexistent/dir").contains("apt-get install dataset-fashion-mnist");
    assertNoStackTrace(r);
  }

  @Test
  void demoRefusesZeroThreads() {
    Result r = run("demo", "--threads", "0");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--threads").contains("at least 1").contains("0");
    assertNoStackTrace(r);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "demo --frobnicate | Unknown option: '--frobnicate'",
      "summary lenet5 --frobnicate | Unknown option: '--frobnicate'",
      "demo --threads many | --threads",
      "summary | MODEL",
  })
  void badCommandLinesGetPicocliMessages(String line, String expected) {
    Result r = run(line.split(" "));
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains(expected);
    assertNoStackTrace(r);
  }

  @Test
  void summaryOfAlexNetPrintsTheLecturesTable() {
    Result r = run("summary", "alexnet");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("AlexNet\n")
        .contains("[27x27x96]   NORM1: Normalization layer")
        .contains("FC6: 4096 neurons, ReLU, dropout 0.5")
        .endsWith("Total params: 62,378,344\n");
  }

  @ParameterizedTest(name = "summary {0}")
  @CsvSource(delimiter = '|', value = {
      "textcnn        | TextCNN        | [56x300]  EMBED1: a 300-dim vector for each of 20,000 tokens | Total params: 6,360,902",
      "alphago-policy | AlphaGo policy | [361]        SOFTMAX1: over all 361 points of the 19x19 map  | Total params: 3,882,433",
  })
  void summaryOfTheSentenceCnnAndTheAlphaGoPolicyNetwork(String model, String title, String line, String total) {
    Result r = run("summary", model);
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith(title + "\n").contains(line).endsWith(total + "\n");
    assertThat(r.err()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "resnet20  | ResNet-20  | [8x8x64]    ADD9: BN19 + ADD8, ReLU | Total params: 269,722",
      "ResNet50  | ResNet-50  | [7x7x2048]    ADD16: BN53 + ADD15, ReLU | Total params: 25,557,032",
      "googlenet | GoogLeNet  | CONCAT1: CONV4 + CONV6 + CONV8 + CONV9, along the channels | Total params: 6,998,552",
  })
  void summaryOfZooModelsWithBranches(String name, String title, String line, String total) {
    Result r = run("summary", name);
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith(title + "\n").contains(line).endsWith(total + "\n");
  }

  @ParameterizedTest(name = "summary {0}")
  @CsvSource(delimiter = '|', value = {
      "resnet20 --classes 100               | [100]       FC20: 100 neurons (class scores)  | Total params: 275,572",
      "lenet5 --input 1x28x28 --classes 3   | CONV1: 6 5x5 filters at stride 1, pad 2, ReLU  | Total params: 61,111",
  })
  void summaryTakesTheClassesAndInputAUserNeeds(String args, String line, String total) {
    Result r = run(("summary " + args.trim()).split(" +"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(line.trim()).endsWith(total.trim() + "\n");
  }

  @Test
  void anInputTooSmallForTheNetworkSaysWhichLayerRunsOutOfPixels() {
    Result r = run("summary", "googlenet", "--input", "3x32x32");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("GoogLeNet cannot take a [32x32x3] input").contains("MAX POOL11").contains("runs out of pixels");
    assertNoStackTrace(r);
  }
}
