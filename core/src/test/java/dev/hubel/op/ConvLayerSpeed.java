package dev.hubel.op;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Prints the time of one convolution layer's step on 2 threads (median of 5 rounds after one of
 * warm-up, in ms): the forward pass for {@code infer}, forward and backward for {@code train}.
 * It measured the per-layer tables behind {@link ConvPathRules}. Not a test: run it by hand once
 * per path, the path forced by {@code -Dhubel.conv}, e.g.
 * <pre>
 *   java --add-modules=jdk.incubator.vector -Dhubel.conv=lowered \
 *     -cp core/target/classes:core/target/test-classes dev.hubel.op.ConvLayerSpeed train
 * </pre>
 * and again with {@code -Dhubel.conv=implicit} or {@code winograd}, or with no property for what
 * the rules choose. The weights do not change between steps, so Winograd's forward pass reuses
 * its transformed weights even in {@code train} (its dx transforms them each step); real
 * training pays that transform too.
 */
public final class ConvLayerSpeed {

  /** Channels, map side, filters, filter side, padding, groups, batch. */
  private static final int[][] TRAIN = {
      {16, 32, 16, 3, 1, 1, 128}, {32, 16, 32, 3, 1, 1, 128}, {64, 8, 64, 3, 1, 1, 128},
      {96, 27, 256, 5, 2, 2, 16}, {1, 28, 32, 3, 1, 1, 64}, {64, 7, 128, 3, 1, 1, 64},
      {256, 13, 384, 3, 1, 1, 16}, {256, 14, 256, 3, 1, 1, 8},
  };
  private static final int[][] INFER = {
      {192, 19, 192, 3, 1, 1, 16}, {256, 13, 384, 3, 1, 1, 16}, {128, 112, 128, 3, 1, 1, 1},
      {256, 56, 256, 3, 1, 1, 1}, {256, 14, 256, 3, 1, 1, 8}, {64, 224, 64, 3, 1, 1, 1},
      {512, 28, 512, 3, 1, 1, 1}, {192, 19, 192, 3, 1, 1, 1}, {256, 14, 256, 3, 1, 1, 1},
      {512, 7, 512, 3, 1, 1, 1}, {512, 7, 512, 3, 1, 1, 8}, {128, 28, 128, 3, 1, 1, 1},
  };
  /** The shapes of one command-line argument "C,side,F,filter,pad,groups,batch" instead of a table. */
  private static int[][] one(String spec) {
    return new int[][] {Arrays.stream(spec.split(",")).mapToInt(Integer::parseInt).toArray()};
  }

  public static void main(String[] args) {
    boolean train = args.length > 0 && args[0].equals("train");
    System.out.println("hubel.conv=" + System.getProperty("hubel.conv", "(rules)") + ", " + (train ? "train" : "infer"));
    WorkerPool pool = new WorkerPool(Integer.getInteger("threads", 2));  // -Dthreads=1: two variants side by side, one a core
    for (int[] layer : args.length > 1 ? one(args[1]) : train ? TRAIN : INFER) measure(layer, train, pool);
  }

  private static void measure(int[] layer, boolean train, WorkerPool pool) {
    int c = layer[0], side = layer[1], f = layer[2], fs = layer[3], pad = layer[4], groups = layer[5], n = layer[6];
    Shape in = Shape.chw(c, side, side);
    Conv2d conv = new Conv2d("CONV", in, f, fs, fs, 1, pad, Fit.FLOOR, groups);
    Tensor x = new Tensor(in, n, train), y = new Tensor(conv.outputShape(), n, train);
    Param w = new Param("w", conv.params().get(0).shape(), 1, 1, Role.WEIGHT);
    Param b = new Param("b", conv.params().get(1).shape(), 1, 1, Role.BIAS);
    SplittableRandom random = new SplittableRandom(1);
    fill(x.value, random);
    fill(w.value(), random);
    if (train) fill(y.grad, random);
    Step step = conv.compile(new Tensor[] {x}, y, new Param[] {w, b}, pool);
    // A second of warm-up at least, then rounds of 0.2 s: a small layer at batch 1 takes about a
    // millisecond, and the first version's few calls a round (discarding one round) had timed C2
    // still compiling, twice as slow as the same layer inside a model.
    long warm = System.nanoTime();
    int calls = 0;
    while (calls < 3 || System.nanoTime() - warm < Long.getLong("warmMillis", 5000) * 1_000_000L) {
      step.forward(n, train);
      if (train) step.backward(n);
      calls++;
    }
    int reps = (int) Math.max(3, 2e8 / ((System.nanoTime() - warm) / (double) calls));
    double[] timed = new double[5];
    for (int round = 0; round < timed.length; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        step.forward(n, train);
        if (train) step.backward(n);
      }
      timed[round] = (System.nanoTime() - start) / 1e6 / reps;
    }
    Arrays.sort(timed);
    System.out.printf("%d, %dx%d, %d, %dx%d pad %d, %d groups, batch %d: %.3f ms%n",
        c, side, side, f, fs, fs, pad, groups, n, timed[2]);
  }

  private static void fill(float[] v, SplittableRandom random) {
    for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian();
  }
}
