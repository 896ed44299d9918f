package dev.hubel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README example runs, and the README still shows it word for word. */
class QuickStartTest {

  @Test
  void readmeShowsTheExampleVerbatim() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/main/java/dev/hubel/examples/QuickStart.java"));
    int begin = source.indexOf("    // README:begin"), end = source.indexOf("    // README:end");
    assertThat(begin).isGreaterThanOrEqualTo(0);
    assertThat(end).isGreaterThan(begin);
    String snippet = String.join("\n", source.subList(begin + 1, end).stream().map(l -> l.replaceFirst("^    ", "")).toList());
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme)
        .as("README.md must show QuickStart.java's example verbatim; copy the lines between the README markers")
        .contains(snippet);
  }

  @Test
  void exampleTrainsAndPredictsOnASmallFashionMnistLookalike(@TempDir Path dir) throws IOException {
    // Two easy classes (bright top half vs bright bottom half), written as the four IDX files.
    writeSplit(dir, "train", 256, 1);
    writeSplit(dir, "t10k", 64, 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[] {dir.toString()});
    } finally {
      System.setOut(old);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("Total params: 61,706").contains("first test image: ");
    double acc = Double.parseDouble(printed.replaceAll("(?s).*test accuracy: ([0-9.]+)%.*", "$1"));
    assertThat(acc).as(printed).isGreaterThan(90.0);
  }

  private static void writeSplit(Path dir, String prefix, int n, long seed) throws IOException {
    Random rng = new Random(seed);
    ByteBuffer images = ByteBuffer.allocate(16 + n * 28 * 28).putInt(0x803).putInt(n).putInt(28).putInt(28);
    ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
    for (int i = 0; i < n; i++) {
      int label = i % 2 == 0 ? 0 : 9;
      for (int y = 0; y < 28; y++) {
        boolean bright = (label == 0) == (y < 14);
        for (int x = 0; x < 28; x++) images.put((byte) ((bright ? 160 : 0) + rng.nextInt(90)));
      }
      labels.put((byte) label);
    }
    gzip(dir.resolve(prefix + "-images-idx3-ubyte.gz"), images.array());
    gzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels.array());
  }

  private static void gzip(Path file, byte[] bytes) throws IOException {
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file))) {
      os.write(bytes);
    }
  }
}
