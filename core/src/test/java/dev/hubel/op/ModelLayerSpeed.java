package dev.hubel.op;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.Zoo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times every convolution of a zoo model's inference pass under two settings of system
 * properties read when a layer is compiled (such as {@code hubel.conv}) in one JVM, in alternating rounds, and prints each layer's GFLOP/s under
 * both and the median of the per-round ratios. On a shared host whose two cores drift apart by
 * 15% from minute to minute, this is what tells a change of a few percent from the noise: both
 * variants run on the same cores, a fraction of a second apart. Not a test: run by hand, e.g.
 * <pre>
 *   java --add-modules=jdk.incubator.vector -cp core/target/classes:core/target/test-classes \
 *     dev.hubel.op.ModelLayerSpeed resnet50 8 224 hubel.conv=lowered ""
 * </pre>
 * A setting is a comma-separated list of property=value ({@code ""}: none, so the rules), set
 * while its variant compiles and again while it runs (so that a temporary switch a kernel reads
 * on every call can be timed the same way), and
 * {@code frozen} for a plan whose weights are frozen ({@code Plan.freezeWeights}; not with
 * {@code -Dtrain=true}, which times training steps, forward and backward, instead of inference);
 * {@code -Dthreads} sets the pool (2 by default), {@code -Drounds} the rounds (9), {@code -Dchannels}
 * the input's channels (3).
 */
public final class ModelLayerSpeed {
  /** -Dtrain=true: time training steps (each layer's forward and backward) instead of inference passes. */
  private static final boolean TRAIN = Boolean.getBoolean("train");
  /** An entry of a setting that is no property: that plan's weights are frozen (Plan.freezeWeights). */
  private static final String FROZEN = "frozen";

  public static void main(String[] args) {
    String name = args[0];
    int batch = Integer.parseInt(args[1]), side = Integer.parseInt(args[2]);
    String[] settings = {args.length > 3 ? args[3] : "hubel.conv=lowered", args.length > 4 ? args[4] : ""};
    WorkerPool pool = new WorkerPool(Integer.getInteger("threads", 2));
    Model model = Zoo.build(name, new Zoo.Options(null, Shape.chw(Integer.getInteger("channels", 3), side, side), null)).initialize(Init.HE, 1);
    Plan[] plans = new Plan[2];
    for (int v = 0; v < 2; v++) {
      for (String property : properties(settings[v])) System.setProperty(property.split("=")[0], property.split("=")[1]);
      plans[v] = model.compile(batch, pool);
      if (Arrays.asList(settings[v].split(",")).contains(FROZEN)) plans[v].freezeWeights();  // reads hubel.channelsLast
      for (String property : properties(settings[v])) System.clearProperty(property.split("=")[0]);
      SplittableRandom random = new SplittableRandom(7);
      float[] in = plans[v].input();
      for (int i = 0; i < in.length; i++) in[i] = (float) random.nextDouble(-1, 1);
    }
    for (Plan plan : plans) run(plan, batch, 5_000);  // the JIT compiles both variants' kernels
    int rounds = Integer.getInteger("rounds", 9);
    Map<String, double[][]> millis = new HashMap<>();  // layer -> [variant][round]
    double[][] everyLayer = new double[2][rounds];  // [variant][round]: all layers, not only convolutions
    List<String> order = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      // which variant goes first alternates: the one timed second had read a few percent faster
      // with both variants alike (1.01-1.05, LeNet-5 and ResNet-20 training, 2026-12-04)
      for (int turn = 0; turn < 2; turn++) {
        int v = (turn + round) % 2;
        plans[v].setProfiling(true);
        // set while the variant runs too, for a temporary switch a kernel reads on every call
        for (String property : properties(settings[v])) System.setProperty(property.split("=")[0], property.split("=")[1]);
        int passes = run(plans[v], batch, 400);
        for (String property : properties(settings[v])) System.clearProperty(property.split("=")[0]);
        for (Plan.StepTime t : plans[v].profile(passes)) {
          everyLayer[v][round] += t.totalMillis();
          if (!t.kind().equals("CONV")) continue;
          if (!millis.containsKey(t.node())) order.add(t.node());
          millis.computeIfAbsent(t.node(), k -> new double[2][rounds])[v][round] = t.totalMillis();
        }
        plans[v].setProfiling(false);
      }
    }
    Map<String, Node> nodes = new HashMap<>();
    for (Node node : model.nodes()) nodes.put(node.name(), node);
    System.out.printf(Locale.ROOT, "%s batch %d%s, %d threads, A: %s, B: %s, %d rounds%n",
        name, batch, TRAIN ? " (training steps)" : "", pool.threads(), show(settings[0]), show(settings[1]), rounds);
    double[] total = new double[2];
    for (String layer : order) {
      Node node = nodes.get(layer);
      Conv2d conv = (Conv2d) node.op();
      // a training step's backward pass multiplies twice as much as its forward pass (dx and dw)
      double flop = (TRAIN ? 3 : 1) * 2.0 * batch * node.shape().size() * (conv.params().get(0).shape().size() / node.shape().c());
      double[][] m = millis.get(layer);
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) ratios[r] = m[0][r] / m[1][r];
      double a = median(m[0]), b = median(m[1]);
      total[0] += a;
      total[1] += b;
      System.out.printf(Locale.ROOT, "%-8s %-40s A %7.3f ms %6.1f GF/s  B %7.3f ms %6.1f GF/s  A/B %.2f%n", layer,
          conv.describe() + " on " + node.inputs().get(0).shape(), a, flop / a / 1e6, b, flop / b / 1e6, median(ratios));
    }
    System.out.printf(Locale.ROOT, "convolutions: A %.2f ms, B %.2f ms%n", total[0], total[1]);
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) ratios[r] = everyLayer[0][r] / everyLayer[1][r];
    System.out.printf(Locale.ROOT, "every layer: A %.2f ms, B %.2f ms, A/B %.2f (per round: %s)%n", median(everyLayer[0]),
        median(everyLayer[1]), median(ratios), Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 100) / 100.0).toArray()));
  }

  private static String show(String setting) {
    return setting.isEmpty() ? "(defaults)" : setting;
  }

  private static String[] properties(String setting) {
    return Arrays.stream(setting.split(",")).filter(p -> p.contains("=")).toArray(String[]::new);
  }

  /** Inference passes for at least {@code ms} milliseconds (3 at least); returns how many. */
  private static int run(Plan plan, int batch, long ms) {
    long start = System.nanoTime();
    int passes = 0;
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = (i * 7) % plan.model().outputShape().size();
    while (passes < 3 || System.nanoTime() - start < ms * 1_000_000L) {
      if (TRAIN) {
        plan.trainStep(batch, labels);  // forward, loss and backward; the weights stay as they are
      } else {
        plan.forward(batch, false);
      }
      passes++;
    }
    return passes;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
