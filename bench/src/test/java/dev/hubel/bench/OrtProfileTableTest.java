package dev.hubel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class OrtProfileTableTest {

  private static String node(String name, String op, int micros) {
    return "{\"cat\": \"Node\", \"name\": \"" + name + "_kernel_time\", \"dur\": " + micros
        + ", \"args\": {\"op_name\": \"" + op + "\", \"output_type_shape\": [{\"float\": [1, 64, 7, 7]}]}}";
  }

  @Test
  void tabulatesEachNodesMedianInTheOrderRunAndSumsByOperator() throws Exception {
    String trace = "[{\"cat\": \"Session\", \"name\": \"model_run\", \"dur\": 99999},"
        + node("conv_b", "Conv", 300) + "," + node("pool", "MaxPool", 50) + "," + node("conv_a", "Conv", 100) + ","
        + node("conv_b", "Conv", 200) + "," + node("pool", "MaxPool", 70) + "," + node("conv_a", "Conv", 120) + ","
        + node("conv_b", "Conv", 9000) + "," + node("pool", "MaxPool", 60) + "," + node("conv_a", "Conv", 110) + ","
        + "{\"cat\": \"Node\", \"name\": \"conv_a_fence_before\", \"dur\": 5000}]";
    String table = OrtProfileTable.format(new ObjectMapper().readTree(trace));
    // medians: conv_b 0.300 ms (the 9 ms outlier ignored), pool 0.060, conv_a 0.110; node time 0.47 ms
    assertThat(table).contains("over 3 runs: 0.47 ms of node time a run");
    assertThat(table).containsPattern("Conv +0\\.41 +87\\.2%");
    assertThat(table).containsPattern("MaxPool +0\\.06 +12\\.8%");
    assertThat(table).containsPattern("conv_b +Conv +\\[1, 64, 7, 7\\] +0\\.300");
    assertThat(table.indexOf("conv_b ")).isLessThan(table.indexOf("pool ")).isLessThan(table.indexOf("conv_a "));
  }

  @Test
  void saysSoWhenTheTraceHasNoNodeTimes() throws Exception {
    assertThat(OrtProfileTable.format(new ObjectMapper().readTree("[]"))).contains("no node times");
  }
}
