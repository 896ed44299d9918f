package dev.hubel.io;

import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.input;

import dev.hubel.model.Model;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.train.Sgd;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.TrainingState;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Run in a child JVM by AtomicFileTest, which kills it: saves a 32 MB checkpoint over and over,
 * save i holding the value i in every weight and -i in every velocity. It prints "writing i" as a
 * save starts and "saved i" when it is complete.
 */
public final class CheckpointWriterChild {
  static final int INPUTS = 1024;
  static final int UNITS = 4096;

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    int start = Integer.parseInt(args[1]);
    Model m = Model.of("big", dense(input(Shape.vector(INPUTS)), UNITS));
    Sgd sgd = new Sgd(m.params(), 0.1f, 0.9f, 0f);
    TrainConfig cfg = new TrainConfig(1_000_000, 1, 0.1f, 0.9f, 0f, 1);
    for (int i = start; ; i++) {
      for (Param p : m.params()) Arrays.fill(p.value(), i);
      for (float[] v : sgd.velocities()) Arrays.fill(v, -i);
      System.out.println("writing " + i);
      System.out.flush();
      Checkpoint.save(file, m, sgd, new TrainingState(cfg, i, i, 0.1f));
      System.out.println("saved " + i);
      System.out.flush();
    }
  }
}
