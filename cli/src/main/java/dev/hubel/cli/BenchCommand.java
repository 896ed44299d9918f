package dev.hubel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hubel.cli.bench.Machine;
import dev.hubel.cli.bench.OnnxTimer;
import dev.hubel.cli.bench.Timing;
import dev.hubel.kernel.Kernels;
import dev.hubel.kernel.ParallelGemm;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Shape;
import dev.hubel.train.Sgd;
import dev.hubel.zoo.Zoo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The fixed benchmark suite: SGEMM against the machine's measured FMA peak, and training and
 * inference of zoo models on random data. Each row is the median (with min and max) of several
 * timed runs after warm-up; the first call's time is reported apart (JIT warm-up). With
 * {@code --compare} the same rows run in PyTorch (bench/compare_torch.py, which also exports the
 * inference models to ONNX) and the inference rows in ONNX Runtime, all in this one run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run the benchmark suite and print a table (median, min, max of several runs).")
final class BenchCommand implements Runnable {

  @Option(names = "--runs", description = "Timed runs per row (default: ${DEFAULT-VALUE}).")
  int runs = 5;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as JSON to FILE.")
  Path json;

  @Option(names = "--compare", description = "Run the same rows in PyTorch (bench/compare_torch.py with Debian's"
      + " /usr/bin/python3) and the inference rows in ONNX Runtime, and print the ratios.")
  boolean compare;

  @Option(names = "--only", split = ",", paramLabel = "ROW", description = "Run only these rows (by name).")
  List<String> only;

  @Option(names = "--python", description = "The Python with torch for --compare (default: ${DEFAULT-VALUE}).")
  String python = "/usr/bin/python3";

  @Option(names = "--profile", description = "After each model row, time every layer over a few more passes and print"
      + " the time by kind of layer and the slowest layers; with --compare, ONNX Runtime's own profile of each"
      + " inference row too, node by node.")
  boolean profile;

  @Mixin
  ThreadsOption threads;

  /** A row: how Hubel measures it, and what a peer needs to run the same thing. */
  record Row(String name, String unit, String model, Shape input, int batch, boolean training,
             Supplier<Timing> hubel) {
    boolean inference() {
      return model != null && !training;
    }
  }

  /**
   * A row's result: Hubel's timing, PyTorch's and ONNX Runtime's where run, and Hubel's speed
   * over ONNX Runtime's timed in turns (the median of the runs' ratios; NaN where not run).
   */
  record Result(Row row, Timing hubel, Timing torch, Timing ort, double alternating) {}

  private final Map<String, Double> extras = new LinkedHashMap<>();
  /** The last model row's --profile, printed under its line. */
  private final StringBuilder profileText = new StringBuilder();
  /** The last inference row's pass, kept for timing it in turns with ONNX Runtime; null after. */
  private Runnable lastInference;

  @Override
  public void run() {
    if (runs < 1) throw new UserException("--runs must be at least 1, received " + runs);
    threads.apply();
    WorkerPool pool = WorkerPool.shared();
    List<Row> rows = rows(pool);
    if (only != null) {
      for (String name : only) {
        if (rows.stream().noneMatch(r -> r.name.equals(name))) {
          throw new UserException("--only: no row " + name + "; rows: "
              + String.join(", ", rows.stream().map(Row::name).toList()));
        }
      }
      rows = rows.stream().filter(r -> only.contains(r.name)).toList();
    }
    System.out.println(Machine.idleReport());
    System.out.printf(Locale.ROOT, "hubel bench: %d threads, %s kernels, %d runs per row (median, min, max)%n",
        pool.threads(), Kernels.vectorized() ? "Vector API (" + Kernels.vectorBits() + "-bit)" : "plain Java", runs);
    double peak1 = Double.NaN, peakAll = Double.NaN;
    if (Kernels.vectorized()) {
      peak1 = fmaPeak(pool, 1);
      peakAll = fmaPeak(pool, pool.threads());
      System.out.printf(Locale.ROOT, "FMA peak measured: %.1f GFLOP/s on 1 thread, %.1f on %d%n", peak1, peakAll,
          pool.threads());
      extras.put("fma_peak_1thread", peak1);
      extras.put("fma_peak_" + pool.threads() + "threads", peakAll);
    }
    System.out.printf(Locale.ROOT, "%-24s %10s %10s %10s  %-8s %9s %s%n", "name", "median", "min", "max", "unit",
        "first ms", "");
    // With --compare each row runs in Hubel, then PyTorch, then ONNX Runtime before the next row,
    // so that the three columns of a row see the same load on a shared machine.
    Path root = projectRoot(), onnxDir = root.resolve("bench/target/onnx");
    OnnxTimer ort = compare ? OnnxTimer.find() : null;
    if (compare && ort == null) {
      System.out.println("ONNX Runtime: not on the class path (build the bench module: mvn package; ./hubel adds"
          + " bench/target/hubel-bench.jar and bench/target/lib to the class path)");
    }
    List<Result> results = new ArrayList<>();
    for (Row row : rows) {
      Timing t = row.hubel.get();
      String note = row.unit.equals("GFLOP/s") && !Double.isNaN(peakAll)
          ? String.format(Locale.ROOT, "%.0f%% of peak", 100 * t.median() / peakAll) : "";
      System.gc();  // the next measurement should not pay for collecting this model
      System.out.printf(Locale.ROOT, "%-24s %10.1f %10.1f %10.1f  %-8s %9s %s%n", row.name, t.median(), t.min(),
          t.max(), row.unit, Double.isNaN(t.firstMillis()) ? "-" : String.format(Locale.ROOT, "%.0f", t.firstMillis()),
          note);
      System.out.print(profileText);
      profileText.setLength(0);
      Timing torch = compare ? runTorch(root, onnxDir, pool.threads(), row.name) : null;
      Timing onnx = ort != null && row.inference() ? runOrt(ort, onnxDir, row, pool.threads()) : null;
      double alternating = onnx == null ? Double.NaN : alternate(ort, onnxDir, row, pool.threads());
      lastInference = null;
      results.add(new Result(row, t, torch, onnx, alternating));
    }
    double rss = Machine.peakRssMiB();
    System.out.printf(Locale.ROOT, "peak RSS: %.0f MiB; after the runs: %s%n", rss, Machine.idleReport());
    extras.put("peak_rss_mib", rss);
    if (compare) printComparison(results, pool.threads(), ort == null ? null : ort.version());
    if (json != null) writeJson(results);
  }

  private static double fmaPeak(WorkerPool pool, int threads) {
    try {
      Class<?> peak = Class.forName("dev.hubel.cli.bench.FmaPeak");
      var method = peak.getDeclaredMethod("gflops", WorkerPool.class, int.class);
      method.setAccessible(true);
      return (double) method.invoke(null, pool, threads);
    } catch (ReflectiveOperationException e) {
      return Double.NaN;
    }
  }

  private List<Row> rows(WorkerPool pool) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("sgemm_1024", "GFLOP/s", null, null, 0, false, () -> sgemm(pool, 1024, 1024, 1024)));
    rows.add(new Row("sgemm_conv64x3136x576", "GFLOP/s", null, null, 0, false, () -> sgemm(pool, 64, 3136, 576)));
    Shape mnist = Shape.chw(1, 28, 28), cifar = Shape.chw(3, 32, 32), imagenet = Shape.chw(3, 224, 224);
    Shape alex = Shape.chw(3, 227, 227), go = Shape.chw(48, 19, 19);
    rows.add(train("lenet5_train_b64", "lenet5", mnist, 64));
    rows.add(train("resnet20_train_b128", "resnet20", cifar, 128));
    rows.add(infer("alexnet_infer_b1", "alexnet", alex, 1));
    rows.add(infer("alexnet_infer_b16", "alexnet", alex, 16));
    rows.add(train("alexnet_train_b16", "alexnet", alex, 16));
    rows.add(infer("resnet50_infer_b1", "resnet50", imagenet, 1));
    rows.add(infer("resnet50_infer_b8", "resnet50", imagenet, 8));
    rows.add(infer("vgg16_infer_b1", "vgg16", imagenet, 1));
    rows.add(infer("alphago_infer_b16", "alphago-policy", go, 16));
    rows.add(train("alphago_train_b16", "alphago-policy", go, 16));
    return rows;
  }

  private Row infer(String name, String model, Shape input, int batch) {
    return new Row(name, "ms/batch", model, input, batch, false, () -> {
      // as an ONNX Runtime session's weights are: fixed, so derived forms of them are made once
      Plan plan = plan(model, input, batch).freezeWeights();
      Timing t = Timing.of(() -> plan.forward(batch, false), runs, 0);
      lastInference = () -> plan.forward(batch, false);
      if (profile) printProfile(plan, () -> plan.forward(batch, false));
      return t;
    });
  }

  private Row train(String name, String model, Shape input, int batch) {
    return new Row(name, "img/s", model, input, batch, true, () -> {
      Plan plan = plan(model, input, batch);
      Sgd sgd = new Sgd(plan.model().params(), 0.01f, 0.9f, 5e-4f);
      int classes = plan.model().outputShape().size();
      int[] labels = new int[batch];
      for (int i = 0; i < batch; i++) labels[i] = (i * 7) % classes;
      Runnable step = () -> {
        plan.trainStep(batch, labels);
        sgd.step();
      };
      Timing t = Timing.of(step, runs, batch);
      if (profile) printProfile(plan, step);
      return t;
    });
  }

  /** Times each layer over a few more passes of {@code pass} (the profile's clock reads cost a little itself). */
  private void printProfile(Plan plan, Runnable pass) {
    int passes = 0;
    plan.setProfiling(true);
    long start = System.nanoTime();
    while (passes < 3 || System.nanoTime() - start < Timing.RUN_NANOS) {
      pass.run();
      passes++;
    }
    double wall = (System.nanoTime() - start) / 1e6 / passes;
    List<Plan.StepTime> times = plan.profile(passes);
    double zeroing = plan.zeroingMillis(passes);
    plan.setProfiling(false);
    java.util.Formatter out = new java.util.Formatter(profileText);
    Map<String, double[]> byKind = new LinkedHashMap<>();  // kind -> forward, backward, count
    for (Plan.StepTime t : times) {
      double[] sums = byKind.computeIfAbsent(t.kind(), k -> new double[3]);
      sums[0] += t.forwardMillis();
      sums[1] += t.backwardMillis();
      sums[2]++;
    }
    out.format(Locale.ROOT, "  profile over %d passes: %.2f ms a pass%n", passes, wall);
    out.format(Locale.ROOT, "  %-16s %6s %10s %11s %7s%n", "kind", "layers", "forward ms", "backward ms", "share");
    byKind.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
        .forEach(e -> out.format(Locale.ROOT, "  %-16s %6.0f %10.2f %11.2f %6.1f%%%n", e.getKey(), e.getValue()[2],
            e.getValue()[0], e.getValue()[1], 100 * (e.getValue()[0] + e.getValue()[1]) / wall));
    if (zeroing > 0) {
      out.format(Locale.ROOT, "  %-16s %6s %10s %11.2f %6.1f%%%n", "(zeroing)", "", "", zeroing, 100 * zeroing / wall);
    }
    out.format(Locale.ROOT, "  slowest layers:%n");
    times.stream().sorted((a, b) -> Double.compare(b.totalMillis(), a.totalMillis())).limit(8)
        .forEach(t -> out.format(Locale.ROOT, "  %-24s %-6s %-14s %10.2f %10.2f %6.1f%%%n", t.node(), t.kind(),
            "[" + t.shape() + "]", t.forwardMillis(), t.backwardMillis(), 100 * t.totalMillis() / wall));
  }

  private static Plan plan(String name, Shape input, int batch) {
    Model model = Zoo.build(name, new Zoo.Options(null, input, null)).initialize(Init.HE, 1);
    Plan plan = model.compile(batch);
    float[] x = random(batch * input.size());
    System.arraycopy(x, 0, plan.input(), 0, x.length);
    return plan;
  }

  private Timing sgemm(WorkerPool pool, int m, int n, int k) {
    float[] a = random(m * k), b = random(k * n), c = new float[m * n];
    ParallelGemm gemm = new ParallelGemm(pool);
    Timing t = Timing.of(() -> gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false), runs,
        2.0 * m * n * k / 1e9);
    return new Timing(Double.NaN, t.values());
  }

  private static float[] random(int n) {
    SplittableRandom rng = new SplittableRandom(7);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) rng.nextDouble(-1, 1);
    return v;
  }

  // ---- --compare: PyTorch through bench/compare_torch.py, ONNX Runtime through the bench module ----

  private Timing runOrt(OnnxTimer ort, Path onnxDir, Row row, int threadCount) {
    Path file = onnxDir.resolve(row.model + ".onnx");
    if (!Files.exists(file)) {
      System.out.println("ONNX Runtime: no " + file + " (compare_torch.py exports it)");
      return null;
    }
    try {
      Shape s = row.input;
      long[] shape = {row.batch, s.c(), s.h(), s.w()};
      Timing o = ort.time(file, shape, threadCount, runs);
      System.out.printf(Locale.ROOT, "  onnxruntime %-10s %10.1f %10.1f %10.1f  %-8s %9.0f%n", "", o.median(), o.min(),
          o.max(), row.unit, o.firstMillis());
      if (profile) printOrtProfile(ort, file, shape, threadCount);
      return o;
    } catch (Exception e) {
      System.out.println("ONNX Runtime failed on " + file + ": " + e);
      return null;
    }
  }

  /**
   * The row's inference in Hubel and in ONNX Runtime timed in turns ({@link Timing#alternating}):
   * Hubel's speed over ONNX Runtime's, the median of the runs' ratios, printed with both medians.
   * The columns above are each a median over a minute of their own, which on a shared host can
   * fall in different phases of its load; a pair of turns seconds apart shares it.
   */
  private double alternate(OnnxTimer ort, Path onnxDir, Row row, int threadCount) {
    Shape s = row.input;
    long[] shape = {row.batch, s.c(), s.h(), s.w()};
    try (OnnxTimer.Runner runner = ort.runner(onnxDir.resolve(row.model + ".onnx"), shape, threadCount)) {
      double[][] ms = Timing.alternating(lastInference, runner, runs);
      double[] ratios = new double[runs];
      for (int r = 0; r < runs; r++) ratios[r] = ms[1][r] / ms[0][r];
      double ratio = new Timing(Double.NaN, ratios).median();
      System.out.printf(Locale.ROOT, "  in turns   %-10s %10.1f %10.1f  ms/batch  Hubel / ONNX Runtime; ratio %.2f%n", "",
          new Timing(Double.NaN, ms[0]).median(), new Timing(Double.NaN, ms[1]).median(), ratio);
      return ratio;
    } catch (Exception e) {
      System.out.println("Timing in turns with ONNX Runtime failed on " + row.name + ": " + e);
      return Double.NaN;
    }
  }

  /** ONNX Runtime's node profile of a row (--compare --profile); a failure there costs the row nothing else. */
  private static void printOrtProfile(OnnxTimer ort, Path file, long[] shape, int threadCount) {
    try {
      System.out.print(ort.profile(file, shape, threadCount));
    } catch (Exception e) {
      System.out.println("  ONNX Runtime's profile of " + file + " failed: " + e);
    }
  }

  /** Runs one row of compare_torch.py; its line streams through, its JSON is read back. */
  private Timing runTorch(Path root, Path onnxDir, int threadCount, String rowName) {
    Path script = root.resolve("bench/compare_torch.py");
    try {
      Path out = Files.createTempFile("hubel-torch", ".json");
      List<String> command = List.of(python, script.toString(), "--threads", "" + threadCount, "--runs", "" + runs,
          "--json", out.toString(), "--onnx-dir", onnxDir.toString(), "--only", rowName, "--quiet");
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) System.out.println("  torch " + line);
      }
      if (p.waitFor() != 0) {
        System.out.println("PyTorch: " + script + " failed (exit " + p.exitValue() + "); is python3-torch installed?"
            + " (scripts/ensure-torch)");
        return null;
      }
      Timing timing = null;
      for (JsonNode row : new ObjectMapper().readTree(out.toFile()).get("rows")) {
        double first = row.has("first_ms") ? row.get("first_ms").asDouble() : Double.NaN;
        List<Double> values = new ArrayList<>();
        row.get("runs").forEach(v -> values.add(v.asDouble()));
        timing = new Timing(first, values.stream().mapToDouble(Double::doubleValue).toArray());
      }
      Files.deleteIfExists(out);
      return timing;
    } catch (IOException e) {
      System.out.println("PyTorch: could not run " + python + " " + script + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  /** Hubel's speed over the peer's: above 1 Hubel is faster, whatever the unit. */
  static double speedup(String unit, double hubel, double peer) {
    return unit.equals("ms/batch") ? peer / hubel : hubel / peer;
  }

  private static void printComparison(List<Result> results, int threadCount, String ortName) {
    System.out.printf(Locale.ROOT, "%nside by side, %d threads, medians; ratio = Hubel's speed / the peer's (>1: Hubel"
        + " faster)%s%n", threadCount, ortName == null ? "" : "; " + ortName);
    System.out.printf(Locale.ROOT, "%-24s %-8s %10s %10s %10s %8s %8s %8s%n", "name", "unit", "Hubel", "PyTorch", "ONNX RT",
        "vs torch", "vs ORT", "in turns");
    for (Result r : results) {
      String unit = r.row.unit;
      double h = r.hubel.median();
      System.out.printf(Locale.ROOT, "%-24s %-8s %10.1f %10s %10s %8s %8s %8s%n", r.row.name, unit, h,
          r.torch == null ? "-" : String.format(Locale.ROOT, "%.1f", r.torch.median()),
          r.ort == null ? "-" : String.format(Locale.ROOT, "%.1f", r.ort.median()),
          r.torch == null ? "-" : String.format(Locale.ROOT, "%.2f", speedup(unit, h, r.torch.median())),
          r.ort == null ? "-" : String.format(Locale.ROOT, "%.2f", speedup(unit, h, r.ort.median())),
          Double.isNaN(r.alternating) ? "-" : String.format(Locale.ROOT, "%.2f", r.alternating));
    }
    if (results.stream().anyMatch(r -> !Double.isNaN(r.alternating))) {
      System.out.println("in turns: Hubel's speed over ONNX Runtime's, the two timed in alternating runs of the same"
          + " pass, median of the runs' ratios");
    }
  }

  /** The checkout the CLI runs from: cli/target/hubel-cli.jar (or cli/target/classes) is two levels down. */
  private static Path projectRoot() {
    try {
      Path here = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = here.getParent().getParent().getParent();
      if (Files.exists(root.resolve("bench/compare_torch.py"))) return root;
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the working directory
    }
    return Path.of("").toAbsolutePath();
  }

  // ---- --json ----

  private void writeJson(List<Result> results) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("threads", WorkerPool.shared().threads());
    root.put("vector_api", Kernels.vectorized());
    ArrayNode rows = root.putArray("rows");
    for (Result r : results) {
      ObjectNode o = rows.addObject();
      o.put("name", r.row.name);
      o.put("unit", r.row.unit);
      o.put("value", r.hubel.median());
      o.put("min", r.hubel.min());
      o.put("max", r.hubel.max());
      if (!Double.isNaN(r.hubel.firstMillis())) o.put("first_ms", r.hubel.firstMillis());
      if (r.torch != null) o.put("torch", r.torch.median());
      if (r.ort != null) o.put("onnxruntime", r.ort.median());
      if (!Double.isNaN(r.alternating)) o.put("onnxruntime_in_turns_ratio", r.alternating);
    }
    for (Map.Entry<String, Double> e : extras.entrySet()) {
      ObjectNode o = rows.addObject();
      o.put("name", e.getKey());
      o.put("unit", e.getKey().startsWith("peak_rss") ? "MiB" : "GFLOP/s");
      o.put("value", e.getValue());
      o.put("min", e.getValue());
      o.put("max", e.getValue());
    }
    try {
      mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
      System.out.println("wrote " + json);
    } catch (IOException e) {
      throw new UserException("--json: cannot write " + json + ": " + e.getMessage());
    }
  }
}
