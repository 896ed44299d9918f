package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.zoo.LeNet5;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * An application that forgot {@code --add-modules jdk.incubator.vector}: Hubel must still run, on
 * the plain Java kernels, give the same answers, and say once how to turn the fast path on. Runs
 * LeNet-5 in a child JVM started without the module.
 */
class WithoutVectorApiTest {

  /** The child: LeNet-5's class probabilities for one fixed image, and which kernels ran. */
  public static final class PlainRun {
    public static void main(String[] args) {
      WorkerPool.setSharedThreads(2);
      float[] probs = probabilities();
      probs = probabilities();  // a second model: the message must not repeat
      StringBuilder out = new StringBuilder("vectorized=" + Kernels.vectorized());
      for (float p : probs) out.append(' ').append(String.format(Locale.ROOT, "%.9g", p));
      System.out.println(out);
    }
  }

  static float[] probabilities() {
    Model lenet = LeNet5.build().initialize(Init.HE, 3);
    float[] image = new float[32 * 32];
    for (int i = 0; i < image.length; i++) image[i] = (float) Math.sin(i * 0.37);
    return lenet.predict(image);
  }

  @Test
  void runsOnPlainKernelsAndSaysOnceHowToTurnTheFastPathOn() throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path err = Files.createTempFile("hubel-plain", ".err");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        PlainRun.class.getName()));
    Process child = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(child.waitFor()).as("exit code; stderr: %s", Files.readString(err)).isZero();
    String stderr = Files.readString(err);
    Files.delete(err);

    assertThat(out).startsWith("vectorized=false ");
    String advice = "Start the JVM with --add-modules=jdk.incubator.vector to turn the fast path on.";
    assertThat(stderr).contains(advice);
    assertThat(stderr.indexOf(advice)).as("said once").isEqualTo(stderr.lastIndexOf(advice));

    String[] fields = out.split(" ");
    float[] fast = probabilities();  // this JVM has the module: the vector kernels
    assertThat(Kernels.vectorized()).isTrue();
    assertThat(fields).hasSize(1 + fast.length);
    for (int k = 0; k < fast.length; k++) {
      assertThat(Float.parseFloat(fields[k + 1])).as("class %d", k).isCloseTo(fast[k], org.assertj.core.data.Offset.offset(1e-5f));
    }
  }
}
