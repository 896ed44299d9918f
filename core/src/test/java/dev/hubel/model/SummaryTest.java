package dev.hubel.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.zoo.LeNet5;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SummaryTest {

  private static String snapshot(String name) throws IOException {
    try (InputStream in = SummaryTest.class.getResourceAsStream("/snapshots/" + name)) {
      assertThat(in).as("snapshot %s on the test classpath", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void leNet5SummaryMatchesItsSnapshot() throws IOException {
    assertThat(LeNet5.build().summary()).isEqualTo(snapshot("lenet5-summary.txt"));
  }

  @Test
  void leNet5SummaryShowsTheLecturesNotation() {
    String s = LeNet5.build().summary();
    assertThat(s)
        .contains("[28x28x6]")
        .contains("CONV1: 6 5x5 filters at stride 1, pad 0")
        .contains("(5*5*1)*6 + 6 = 156")
        .contains("(5*5*6)*16 + 16 = 2,416")
        .contains("(5*5*16)*120 + 120 = 48,120")
        .contains("120*84 + 84 = 10,164")
        .contains("84*10 + 10 = 850");
    String[] lines = s.split("\n");
    assertThat(lines[lines.length - 1]).isEqualTo("Total params: 61,706");
  }

  @Test
  void leNet5ParamCount() {
    // C1 + C3 + C5 + F6 + output, each (weights + biases) worked out by hand
    long byHand = (5 * 5 * 1 * 6 + 6) + (5 * 5 * 6 * 16 + 16) + (5 * 5 * 16 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
    assertThat(byHand).isEqualTo(61_706);
    assertThat(LeNet5.build().paramCount()).isEqualTo(byHand);
  }
}
