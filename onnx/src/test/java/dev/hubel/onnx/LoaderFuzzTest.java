package dev.hubel.onnx;

import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.fail;

import dev.hubel.io.ModelFile;
import dev.hubel.io.ModelFileException;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded fuzz test: mutated ONNX and safetensors files fed to the loaders ({@link OnnxImport},
 * {@link ModelFile#load}) for a few seconds each. Every mutant must load or be refused with the
 * loader's own error; anything else (an index out of bounds, a negative array size, running out
 * of memory) fails the test, and the mutant is left in target/fuzz-failures to reproduce it.
 * {@code -Dhubel.fuzz.seconds=600} runs it longer.
 */
class LoaderFuzzTest {
  static final double SECONDS = Double.parseDouble(System.getProperty("hubel.fuzz.seconds", "2"));
  @TempDir
  Path dir;

  static Model small() {
    Node x = input(3, 8, 8);
    x = relu(batchNorm(conv2d(x, 4, 3, 1, 1)));
    x = maxPool(x, 2, 2);
    return Model.of("small", dense(x, 3));
  }

  static Model smallText() {
    return Zoo.build("textcnn", new Zoo.Options(2, Shape.vector(8), 7));
  }

  @Test
  void mutatedOnnxFilesLoadOrAreRefusedClearly() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(OnnxExport.toBytes(small()));
    seeds.add(OnnxExport.toBytes(smallText()));
    seeds.add(Files.readAllBytes(PyTorchImportTest.FIXTURES.resolve("residual.onnx")));
    seeds.add(Files.readAllBytes(PyTorchImportTest.FIXTURES.resolve("inception.onnx")));
    Files.write(dir.resolve("weights.bin"), new byte[4096]);  // external data a mutant may point at
    fuzz("onnx", seeds, 1, bytes -> {
      try {
        OnnxImport.read(bytes, "mutant.onnx", "mutant", dir, null);
        return true;
      } catch (OnnxException expected) {
        return false;
      }
    });
  }

  @Test
  void mutatedModelFilesLoadOrAreRefusedClearly() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (Model m : List.of(small(), smallText())) {
      Path f = dir.resolve(m.name() + ".safetensors");
      ModelFile.save(m, f);
      seeds.add(Files.readAllBytes(f));
    }
    Path file = dir.resolve("mutant.safetensors");
    fuzz("safetensors", seeds, 2, bytes -> {
      try {
        Files.write(file, bytes);
        ModelFile.load(file);
        return true;
      } catch (ModelFileException expected) {
        return false;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Loads a mutant; true if it loaded, false if the loader refused it with its own error. */
  @FunctionalInterface
  interface Loader {
    boolean load(byte[] bytes);
  }

  private static void fuzz(String kind, List<byte[]> seeds, long seed, Loader load) throws IOException {
    Mutator mutator = new Mutator(seed, 2048);
    long end = System.nanoTime() + (long) (SECONDS * 1e9);
    int runs = 0, loaded = 0;
    while (System.nanoTime() < end && runs < 200_000) {
      byte[] mutant = mutator.mutate(seeds.get(runs % seeds.size()));
      runs++;
      try {
        if (load.load(mutant)) loaded++;
      } catch (Throwable t) {
        Path saved = Path.of("target", "fuzz-failures", kind + "-" + seed + "-" + runs + ".bin");
        Files.createDirectories(saved.getParent());
        Files.write(saved, mutant);
        StringBuilder where = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
          if (where.length() > 600) break;
          where.append("\n  at ").append(e);
        }
        fail("mutant " + runs + " of seed " + seed + " (saved as " + saved + ") broke the " + kind + " loader with " + t + where, t);
      }
    }
    System.out.println(kind + " fuzz: " + runs + " mutants in " + SECONDS + " s, " + loaded + " loaded, the rest refused clearly");
    if (loaded == 0 || loaded == runs) fail("the " + kind + " mutants all loaded or none did: the mutations do not reach the loader's checks");
  }
}
