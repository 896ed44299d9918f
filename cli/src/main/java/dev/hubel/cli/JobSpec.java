package dev.hubel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.data.DataException;
import dev.hubel.io.AtomicFile;
import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a training run trains and on what: everything a resumed run needs besides its checkpoint
 * (which holds the weights, the optimiser and the {@link dev.hubel.train.TrainConfig}). Saved in
 * the run's folder as {@value #FILE}.
 *
 * @param model     a zoo name
 * @param data      a dataset name or path, as given on the command line
 * @param holdOut   the part of a single-split dataset held out as its test split
 * @param classes   the model's outputs, or null for the dataset's classes
 * @param input     the model's input as CxHxW, or null for the dataset's example shape
 * @param splitSeed the seed of the hold-out split, or null for the run's seed (an ensemble's
 *                  members train from different seeds but must be tested on the same examples)
 */
record JobSpec(String model, String data, double holdOut, boolean download, Integer classes, String input, Long splitSeed) {

  JobSpec(String model, String data, double holdOut, boolean download, Integer classes, String input) {
    this(model, data, holdOut, download, classes, input, null);
  }

  JobSpec withSplitSeed(long seed) {
    return new JobSpec(model, data, holdOut, download, classes, input, seed);
  }

  long splitSeedOr(long runSeed) {
    return splitSeed == null ? runSeed : splitSeed;
  }
  static final String FILE = "job.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code 3x32x32} (C x H x W, as NCHW) into a shape; a user's mistake otherwise. */
  static Shape parseInput(String text) {
    if (text == null) return null;
    String[] parts = text.trim().split("x");
    try {
      int[] dims = new int[parts.length];
      for (int i = 0; i < dims.length; i++) dims[i] = Integer.parseInt(parts[i]);
      return new Shape(dims);
    } catch (IllegalArgumentException e) {
      throw new UserException("--input " + text + ": expected C x H x W as numbers joined by 'x', e.g. 3x32x32 or 1x28x28");
    }
  }

  void save(Path runDir) {
    try {
      byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
      AtomicFile.write(runDir.resolve(FILE), ch -> ch.write(ByteBuffer.wrap(bytes)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + runDir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  static JobSpec load(Path runDir) {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new UserException(runDir + " is not a run folder made by 'hubel train': it has no " + FILE);
    }
    try {
      return JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), JobSpec.class);
    } catch (IOException e) {
      throw new DataException(file + " cannot be read as a training job: " + e.getMessage());
    }
  }
}
