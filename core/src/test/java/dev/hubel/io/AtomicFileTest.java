package dev.hubel.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A write that does not finish leaves the last complete file in place. */
class AtomicFileTest {
  @TempDir Path dir;

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("I/O error", new IOException("No space left on device (injected)"), ModelFileException.class,
            "cannot write: java.io.IOException: No space left on device (injected)"),
        Arguments.of("bug in the writer", new IllegalStateException("injected"), IllegalStateException.class, "injected"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void aWriteThatFailsHalfwayLeavesThePreviousFileAndNoTemporaryOne(String what, Exception failure, Class<?> thrown, String message)
      throws Exception {
    Path target = dir.resolve("model.safetensors");
    AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap("the last good one".getBytes(StandardCharsets.UTF_8))));
    assertThatThrownBy(() -> AtomicFile.write(target, ch -> {
      ch.write(ByteBuffer.wrap("half of the ne".getBytes(StandardCharsets.UTF_8)));
      if (failure instanceof IOException io) throw io;
      throw (RuntimeException) failure;
    })).isInstanceOf(thrown).hasMessageContaining(message);
    assertThat(Files.readString(target)).isEqualTo("the last good one");
    assertThat(files()).containsExactly(target);
  }

  @Test
  void aFolderIsNotOverwritten() {
    assertThatThrownBy(() -> AtomicFile.write(dir, ch -> {}))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(dir + ": is a folder; expected a file name to write");
  }

  @Test
  void aFolderThatDoesNotExistIsNamed() {
    Path target = dir.resolve("runs/lenet/model.safetensors");
    assertThatThrownBy(() -> AtomicFile.write(target, ch -> {}))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(target + ": cannot write: the folder " + target.toAbsolutePath().getParent() + " does not exist");
  }

  /**
   * The realistic crash: a child JVM saves a 32 MB checkpoint in a loop and is killed (SIGKILL,
   * no shutdown hooks) at a random moment. After each kill the checkpoint must load and hold one
   * whole save, never a mix of two or a truncated one. A .partial file left beside it shows the
   * kill came mid-write; the test insists that at least one kill did (it aims kills at saves under
   * way, and a save can still finish first).
   */
  @Test
  void aWriterKilledMidWriteLeavesTheLastCompleteCheckpoint() throws Exception {
    Path target = dir.resolve("checkpoint.safetensors");
    SplittableRandom rng = new SplittableRandom(1);
    int killsMidWrite = 0;
    int lastSaved = 0;
    for (int round = 0; round < 8 && (round < 3 || killsMidWrite == 0); round++) {
      Process child = new ProcessBuilder(javaCommand(target, lastSaved + 1)).redirectErrorStream(true).start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        // once a save is complete, kill the child a few milliseconds into a later one (a 32 MB save takes about 50 ms)
        boolean savedOne = false;
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith("saved ")) {
            lastSaved = Integer.parseInt(line.substring(6));
            savedOne = true;
          } else if (savedOne && line.startsWith("writing ")) {
            break;
          }
        }
        assertThat(savedOne).as("the child completed a save before the kill").isTrue();
        // The lines read may be stale (the child runs ahead of the pipe), and on a loaded machine
        // a blind sleep lands in the gaps between saves every time: wait until a save is under way
        // (its .partial file exists), then kill it a random few milliseconds in.
        for (long until = System.nanoTime() + 5_000_000_000L; System.nanoTime() < until && !writing(); ) Thread.onSpinWait();
        Thread.sleep(rng.nextInt(5));
      } finally {
        child.destroyForcibly();
        child.waitFor();
      }

      Checkpoint.Loaded loaded = Checkpoint.load(target);
      int saved = loaded.state().epoch();
      assertThat(saved).as("the checkpoint is the last reported save or a later one").isGreaterThanOrEqualTo(lastSaved);
      lastSaved = saved;
      for (var p : loaded.model().params()) assertAll(p.value(), saved, p.name());
      for (float[] v : loaded.velocities()) assertAll(v, -saved, "velocity");

      List<Path> partial = files().stream().filter(f -> f.getFileName().toString().endsWith(".partial")).toList();
      if (!partial.isEmpty()) killsMidWrite++;
      for (Path f : partial) Files.delete(f);
    }
    assertThat(killsMidWrite).as("kills that landed mid-write").isPositive();
  }

  private static void assertAll(float[] values, float expected, String what) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] != expected) throw new AssertionError(what + "[" + i + "] is " + values[i] + ", expected " + expected + " as all the others");
    }
  }

  private static List<String> javaCommand(Path target, int start) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), CheckpointWriterChild.class.getName(), target.toString(), Integer.toString(start));
  }

  private boolean writing() {
    return files().stream().anyMatch(f -> f.getFileName().toString().endsWith(".partial"));
  }

  private List<Path> files() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
