package dev.hubel.cli;

import dev.hubel.kernel.Gemm;
import dev.hubel.kernel.Kernels;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.train.Sgd;
import dev.hubel.zoo.LeNet5;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A first, fixed benchmark suite: the GEMM kernel and LeNet-5 training on random data. Each row
 * is the median of several timed runs after warm-up (the machines are shared and noisy).
 * bench/compare_torch.py runs the same rows with PyTorch.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run the benchmark suite and print a table (median, min, max of several runs).")
final class BenchCommand implements Runnable {

  @Option(names = "--runs", description = "Timed runs per row (default: ${DEFAULT-VALUE}).")
  int runs = 7;

  @Mixin
  ThreadsOption threads;

  @Override
  public void run() {
    if (runs < 1) throw new UserException("--runs must be at least 1, received " + runs);
    threads.apply();
    System.out.printf(Locale.ROOT, "hubel bench: %d threads, %s kernels, %d runs per row%n",
        WorkerPool.shared().threads(), Kernels.vectorized() ? "Vector API" : "plain Java", runs);
    System.out.printf(Locale.ROOT, "%-34s %10s %10s %10s  %s%n", "name", "median", "min", "max", "unit");
    row("sgemm_1024 (1 thread)", "GFLOP/s", () -> sgemm(1024, 1024, 1024));
    row("sgemm_conv64x3136x576 (1 thread)", "GFLOP/s", () -> sgemm(64, 3136, 576));
    row("lenet5_train_b32", "img/s", () -> lenetTrain(32));
    row("lenet5_train_b64", "img/s", () -> lenetTrain(64));
  }

  private void row(String name, String unit, DoubleSupplier measure) {
    measure.getAsDouble(); // warm-up: the first calls run interpreted
    measure.getAsDouble();
    double[] v = new double[runs];
    for (int i = 0; i < runs; i++) v[i] = measure.getAsDouble();
    Arrays.sort(v);
    System.out.printf(Locale.ROOT, "%-34s %10.1f %10.1f %10.1f  %s%n", name, v[runs / 2], v[0], v[runs - 1], unit);
  }

  private static double sgemm(int m, int n, int k) {
    float[] a = random(m * k), b = random(k * n), c = new float[m * n];
    int reps = Math.max(1, (int) (2e9 / (2.0 * m * n * k)));
    long t = System.nanoTime();
    for (int r = 0; r < reps; r++) Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
    return 2.0 * m * n * k * reps / (System.nanoTime() - t);
  }

  /** Images per second of forward, loss, backward and an SGD step, on random 32x32x1 batches. */
  private static double lenetTrain(int batch) {
    Model model = LeNet5.build().initialize(Init.HE, 1);
    Plan plan = model.compile(batch);
    Sgd sgd = new Sgd(model.params(), 0.01f, 0.9f, 5e-4f);
    float[] x = random(batch * model.inputShape().size());
    System.arraycopy(x, 0, plan.input(), 0, x.length);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % 10;
    int steps = Math.max(10, 6000 / batch);
    long t = System.nanoTime();
    for (int s = 0; s < steps; s++) {
      plan.trainStep(batch, labels);
      sgd.step();
    }
    return (double) steps * batch / ((System.nanoTime() - t) / 1e9);
  }

  private static float[] random(int n) {
    SplittableRandom rng = new SplittableRandom(7);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) rng.nextDouble(-1, 1);
    return v;
  }
}
