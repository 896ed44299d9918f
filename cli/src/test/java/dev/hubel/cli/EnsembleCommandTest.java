package dev.hubel.cli;

import static dev.hubel.cli.CliRun.run;

import dev.hubel.cli.CliRun.Result;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.input;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.io.ModelFile;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./hubel ensemble: each member's test error and the ensemble's; members that do not fit together refused. */
class EnsembleCommandTest {
  @TempDir Path dir;

  /** An image folder with train/ and test/, dark and light 8x8 pictures. */
  private Path pictures() throws Exception {
    for (String split : List.of("train", "test")) {
      for (String cls : List.of("dark", "light")) {
        Path d = Files.createDirectories(dir.resolve("pictures").resolve(split).resolve(cls));
        for (int i = 0; i < 5; i++) {
          BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
          int v = cls.equals("dark") ? 20 + 10 * i : 200 + 10 * i;
          for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, (v << 16) | ((v / 2) << 8) | (255 - v));
          ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
        }
      }
    }
    return dir.resolve("pictures");
  }

  private Path member(String name, int side, long seed) {
    Model m = Model.of("tiny", dense(input(3, side, side), 2)).initialize(Init.XAVIER, seed).setClassNames(List.of("dark", "light"));
    Path f = dir.resolve(name);
    ModelFile.save(m, f);
    return f;
  }

  @Test
  void printsEachMembersTestErrorAndTheEnsembles() throws Exception {
    Path data = pictures();
    Result r = run("ensemble", member("a.safetensors", 8, 1).toString(), member("b.safetensors", 8, 2).toString(),
        member("c.safetensors", 8, 3).toString(), "--data", data.toString(), "--batch", "4");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("3 models on 10 test examples of ")
        .containsPattern("\na.safetensors  top-1 error +\\d+\\.\\d\\d%  top-5 error +0\\.00%  loss \\d\\.\\d{4}  \\(10 examples\\)\n")
        .contains("\nb.safetensors  top-1 error ", "\nc.safetensors  top-1 error ", "\nensemble       top-1 error ")
        .containsPattern("the ensemble of 3 (beats|trails|ties with) the best member");
  }

  /** Runs all write runs/NAME/model.safetensors: the table names such members by their folder. */
  @Test
  void membersWithTheSameFileNameAreNamedByTheirFolder() throws Exception {
    Path data = pictures();
    Files.createDirectories(dir.resolve("s1"));
    Files.createDirectories(dir.resolve("s2"));
    Result r = run("ensemble", member("s1/model.safetensors", 8, 1).toString(), member("s2/model.safetensors", 8, 2).toString(),
        member("other.safetensors", 8, 3).toString(), "--data", data.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("\ns1/model.safetensors  top-1 error ", "\ns2/model.safetensors  top-1 error ",
        "\nother.safetensors     top-1 error ");
  }

  @Test
  void refusesMembersThatTakeOtherInputs() throws Exception {
    Path data = pictures();
    Result r = run("ensemble", member("a.safetensors", 8, 1).toString(), member("big.safetensors", 16, 2).toString(), "--data", data.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("hubel ensemble: ensemble members must take the same inputs: a.safetensors (tiny) takes [8x8x3], "
        + "big.safetensors (tiny) takes [16x16x3]\n");
    assertThat(r.out()).isEmpty();
  }
}
