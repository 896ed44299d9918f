package dev.hubel.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.tensor.Shape;
import dev.hubel.zoo.AlexNet;
import dev.hubel.zoo.LeNet5;
import dev.hubel.zoo.Vgg16;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  // ---- AlexNet and VGG-16 ----

  @ParameterizedTest(name = "{0}")
  @CsvSource({"alexnet-summary.txt, false", "alexnet-two-towers-summary.txt, true"})
  void alexNetSummaryMatchesItsSnapshot(String file, boolean twoTowers) throws IOException {
    assertThat(AlexNet.build(1000, Shape.chw(3, 227, 227), twoTowers).summary()).isEqualTo(snapshot(file));
  }

  @Test
  void vgg16SummaryMatchesItsSnapshot() throws IOException {
    assertThat(Vgg16.build().summary()).isEqualTo(snapshot("vgg16-summary.txt"));
  }

  /** The lecture's table, copied from its slide: the summary must say the same, line by line, and may add to each line. */
  @Test
  void alexNetSummaryReadsLikeTheLecturesTable() {
    String lecture = """
        [227x227x3] INPUT
        [55x55x96] CONV1: 96 11x11 filters at stride 4, pad 0
        [27x27x96] MAX POOL1: 3x3 filters at stride 2
        [27x27x96] NORM1: Normalization layer
        [27x27x256] CONV2: 256 5x5 filters at stride 1, pad 2
        [13x13x256] MAX POOL2: 3x3 filters at stride 2
        [13x13x256] NORM2: Normalization layer
        [13x13x384] CONV3: 384 3x3 filters at stride 1, pad 1
        [13x13x384] CONV4: 384 3x3 filters at stride 1, pad 1
        [13x13x256] CONV5: 256 3x3 filters at stride 1, pad 1
        [6x6x256] MAX POOL3: 3x3 filters at stride 2
        [4096] FC6: 4096 neurons
        [4096] FC7: 4096 neurons
        [1000] FC8: 1000 neurons (class scores)
        """;
    String[] want = lecture.split("\n");
    String[] got = AlexNet.build().summary().split("\n");
    assertThat(got).hasSize(want.length + 3);  // title, header, total
    for (int i = 0; i < want.length; i++) {
      assertThat(got[i + 2].replaceAll(" +", " ")).as("line %d", i + 1).startsWith(want[i]);
    }
  }
}
