package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.model.Init;
import dev.hubel.zoo.LeNet5;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressDisplayTest {

  private static String run(boolean terminal) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new TrainingRun(LeNet5.build(1, 4).initialize(Init.HE, 1), DeterminismTest.quadrants(64, 1),
        new TrainConfig(2, 16, 0.01f, 0.9f, 0f, 1)).listen(new ProgressDisplay(out, terminal)).train();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutATerminalOneLinePerEpoch() {
    List<String> lines = run(false).lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("epoch 1/2  loss ").matches(".*images/s  [0-9.]+ s  \\(\\d+:\\d\\d left\\)");
    assertThat(lines.get(1)).startsWith("epoch 2/2  loss ").endsWith(" s");
    assertThat(run(false)).doesNotContain("\r", "\033");
  }

  @Test
  void onATerminalABarRedrawnInPlaceThenTheEpochsLine() {
    String text = run(true);
    assertThat(text).contains("\repoch 1/2 [========================] 100%  loss ");
    List<String> lines = List.of(text.split("\n"));  // not String.lines(): that splits at carriage returns too
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).matches("(?s)\repoch 2/2 \\[.*\repoch 2/2 \\[=+] 100%.*\repoch 2/2  loss [^\r]*\033\\[K");
  }

  @Test
  void theBarShowsWhereTheEpochIs() {
    BatchProgress p = new BatchProgress();
    p.epoch = 2;
    p.epochs = 10;
    p.batch = 50;
    p.batches = 100;
    p.images = 1600;
    p.imagesInEpoch = 3200;
    p.lossSum = 0.41234 * 1600;
    p.correct = 1394;
    p.startNanos = 0;
    p.nowNanos = 2_000_000_000L;
    assertThat(ProgressDisplay.bar(p))
        .isEqualTo("epoch 2/10 [===========>            ]  50%  loss 0.4123  acc 87.13%  800 img/s  0:02 left");
  }

  @ParameterizedTest(name = "{0} s: {1}")
  @CsvSource({"0, 0:00", "59.4, 0:59", "61, 1:01", "3599, 59:59", "3600, 1:00:00", "86399, 23:59:59", "NaN, -:--"})
  void timeReadsAsAClock(double seconds, String clock) {
    assertThat(ProgressDisplay.clock(seconds)).isEqualTo(clock);
  }
}
