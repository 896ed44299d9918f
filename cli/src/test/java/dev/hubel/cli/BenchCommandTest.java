package dev.hubel.cli;

import static dev.hubel.cli.CliRun.run;

import dev.hubel.cli.CliRun.Result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ./hubel bench's options, its JSON and its ratios; the timing itself is not a test. */
class BenchCommandTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "--runs, 0, --runs must be at least 1, received 0",
      "--only, resnet9000, 'no row resnet9000; rows: sgemm_1024, sgemm_conv64x3136x576, lenet5_train_b64,'",
  })
  void badOptionsAreExplained(String option, String value, String message) {
    Result r = run("bench", option, value);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(message).doesNotContain("\tat ");
  }

  @Test
  void jsonHasTheIssuesFormatWithTheMachineRows(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bench.json");
    Result r = run("bench", "--only", "sgemm_conv64x3136x576", "--runs", "1", "--json", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("machine: ").contains("FMA peak measured: ").contains("% of peak")
        .contains("peak RSS: ");
    JsonNode rows = new ObjectMapper().readTree(file.toFile()).get("rows");
    assertThat(rows.get(0).get("name").asText()).isEqualTo("sgemm_conv64x3136x576");
    for (JsonNode row : rows) {
      assertThat(row.has("name") && row.has("unit") && row.has("value") && row.has("min") && row.has("max"))
          .as(row.toString()).isTrue();
      assertThat(row.get("min").asDouble()).isLessThanOrEqualTo(row.get("value").asDouble());
      assertThat(row.get("value").asDouble()).isLessThanOrEqualTo(row.get("max").asDouble());
    }
    assertThat(rows.findValuesAsText("name")).contains("fma_peak_1thread", "peak_rss_mib");
  }

  @ParameterizedTest(name = "{0}: Hubel {1}, peer {2}")
  @CsvSource({
      "ms/batch, 100, 150, 1.5",   // Hubel takes less time: faster
      "ms/batch, 200, 100, 0.5",
      "img/s, 300, 100, 3.0",      // Hubel does more per second: faster
      "GFLOP/s, 50, 100, 0.5",
  })
  void ratiosAreHubelsSpeedOverThePeers(String unit, double hubel, double peer, double ratio) {
    assertThat(BenchCommand.speedup(unit, hubel, peer)).isCloseTo(ratio, within(1e-12));
  }
}
