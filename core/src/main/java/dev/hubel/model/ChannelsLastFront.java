package dev.hubel.model;

import dev.hubel.kernel.ChannelsLast;
import dev.hubel.kernel.Nhwc;
import dev.hubel.kernel.NhwcConvolution;
import dev.hubel.kernel.NhwcWinograd;
import dev.hubel.kernel.Winograd3x3;
import dev.hubel.kernel.WinogradBuffers;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.op.Add;
import dev.hubel.op.BatchNorm;
import dev.hubel.op.Conv2d;
import dev.hubel.op.GlobalAvgPool;
import dev.hubel.op.Lrn;
import dev.hubel.op.MaxPool2d;
import dev.hubel.op.Op;
import dev.hubel.op.Relu;
import dev.hubel.op.Step;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The convolutional front of a frozen plan, run channels-last (NHWC) in inference: from the input
 * through the longest run of layers the channels-last kernels take (convolutions, each with its
 * batch norm folded into its weights and with the residual add and ReLU after it; max pooling,
 * local response norm, adds, ReLUs, a global average pool at the end), up to a node that alone
 * carries the pass on. It converts the input to NHWC, runs those layers, and writes that last
 * node's output back, NCHW, where the plan's later steps read it.
 *
 * <p>Why: in NCHW the convolutions vectorise along pixels, and a layer's map rarely fills the
 * vectors (a 7x7 map is 49 pixels: four vectors of 16, the last with one lane in use); with
 * channels last they vectorise along filters, whose counts are multiples of 16 in these networks
 * ({@link NhwcConvolution}). A 3x3 layer at stride 1 with enough tiles runs by Winograd
 * ({@link NhwcWinograd}), whose transforms channels last are the same arithmetic in every lane.
 * The layers it does not take (fully connected ones, and everything after) stay NCHW steps.
 *
 * <p>Activations live in arrays of their own, each with a zero border as wide as the widest
 * padding of the convolutions that read it; an array whose readers have all run is taken again
 * by a later output of the same layout, so the front holds a few maps, not one per layer.
 */
final class ChannelsLastFront {

  /** One layer (or a fused run of them) of the front. */
  private interface Stage {
    void pass(int n);
  }

  private final int end;
  private final Stage[] stages;
  private final int[] stageNode;  // the node whose output each stage writes (the last of a fused run)

  private ChannelsLastFront(int end, Stage[] stages, int[] stageNode) {
    this.end = end;
    this.stages = stages;
    this.stageNode = stageNode;
  }

  /** The node whose output the front writes (NCHW, into the plan's tensor); the plan's steps after it run as ever. */
  int end() {
    return end;
  }

  /** Runs the front over the first n examples of the input; with nanos, adds each stage's time to its node's entry. */
  void forward(int n, long[] nanos) {
    for (int i = 0; i < stages.length; i++) {
      if (nanos == null) {
        stages[i].pass(n);
      } else {
        long start = System.nanoTime();
        stages[i].pass(n);
        nanos[stageNode[i]] += System.nanoTime() - start;
      }
    }
  }

  /**
   * The front of this plan's model, or null where channels-last kernels are missing or no
   * convolution leads the network.
   *
   * @param steps the plan's steps: a convolution that runs by Winograd there ends the front
   * @param unwritten the nodes whose outputs the plan's own inference pass leaves to a later step
   *     (fused): the front cannot end at one of them
   */
  static ChannelsLastFront build(Model model, Step[] steps, Tensor[] tensors, boolean[] unwritten, int batch,
                                 WorkerPool pool) {
    if ("false".equals(System.getProperty("hubel.channelsLast"))) return null;
    return rebuild(model, steps, tensors, unwritten, batch, pool);
  }

  /** {@link #build} whatever {@code hubel.channelsLast} says now: a front made again after the weights changed. */
  static ChannelsLastFront rebuild(Model model, Step[] steps, Tensor[] tensors, boolean[] unwritten, int batch,
                                   WorkerPool pool) {
    if (!ChannelsLast.available()) return null;
    List<Node> nodes = model.nodes();
    int count = nodes.size();
    int[] readers = new int[count];
    for (Node node : nodes) for (Node in : node.inputs()) readers[nodes.indexOf(in)]++;
    int last = 0;
    while (last + 1 < count && takes(nodes, readers, last + 1)
        && !winogradWins(nodes.get(last + 1), steps[last + 1], batch)) {
      last++;
      if (nodes.get(last).op() instanceof GlobalAvgPool) break;  // its output is NCHW already; it ends the front
    }
    int end = last;
    while (end > 0 && (unwritten[end] || readAcross(nodes, end) || !(nodes.get(end).shape().isVolume()))) end--;
    boolean conv = false;
    for (int i = 1; i <= end; i++) conv |= nodes.get(i).op() instanceof Conv2d;
    if (!conv || multiplies(nodes, end) < SMALLEST_SHARE * multiplies(nodes, count - 1)) return null;
    return new Builder(model, nodes, tensors, readers, end, batch, pool).build();
  }

  /**
   * Below this size of the products a Winograd layer batches (filters x channels x 4x4 tiles),
   * the channels-last direct convolution beats NCHW's Winograd; above, the front ends before such
   * a layer unless it runs the layer by its own Winograd ({@link NhwcWinograd}, channels and
   * filters in whole vectors), which every layer of the zoo's networks that reaches this size
   * does. Measured layer by layer at 2 threads, direct channels-last against NCHW Winograd:
   * ResNet-50's 3x3 layers at batch 1 (0.8M each) 1.2-1.8x faster, VGG-16's 14x14 layers (3.2M)
   * 1.3x; VGG-16's wider layers (12.8M) 1.1-2x slower, AlphaGo's at batch 16 (13M) and
   * ResNet-50's at batch 8 (6.4M) slower too.
   */
  private static final double WINOGRAD_WORK = 6e6;
  /**
   * Below this many 4x4 tiles in a batch a 3x3 layer runs direct, not by channels-last Winograd:
   * Winograd's transformed weights are four times the size, and with few tiles to share them
   * reading them costs more than the products saved. Measured with the weights out of the caches
   * ({@code NhwcConvSpeed -Dwinograd=true}, 2 threads): 7x7x512 at batch 8 (32 tiles) 1.7-1.8x
   * the direct's speed, 14x14x256 at batch 1 (16 tiles) 0.8-1.2x; and in ResNet-50 at batch 1
   * ({@code ModelLayerSpeed}, a line of 16 against 32), its 14x14 layers 0.94-1.03 of the direct's
   * time: even, so 32. A single layer timed over and over, its weights kept in L3, had flattered
   * Winograd at 16 tiles (1.3-1.5x).
   */
  static final int WINOGRAD_TILES = 32;
  /** The least share of the network's convolution multiplies a front must take to be worth its conversions. */
  private static final double SMALLEST_SHARE = 0.25;

  private static boolean winogradWins(Node node, Step step, int batch) {
    if (!(node.op() instanceof Conv2d) || !Conv2d.runsWinograd(step, batch)) return false;
    var out = node.shape();
    if (NhwcWinograd.fits(node.inputs().get(0).shape().c(), out.c())) return false;  // the front runs it so
    double tiles = (double) batch * out.h() * out.w() / 16;
    return (double) out.c() * node.inputs().get(0).shape().c() * tiles >= WINOGRAD_WORK;
  }

  /** Multiplies of the convolutions among nodes 1..last, per image. */
  private static double multiplies(List<Node> nodes, int last) {
    double total = 0;
    for (int i = 1; i <= last; i++) {
      Node node = nodes.get(i);
      if (!(node.op() instanceof Conv2d)) continue;
      var out = node.shape();
      Map<String, Object> spec = node.spec();
      int groups = spec.containsKey("groups") ? intOf(spec, "groups") : 1;
      total += (double) out.h() * out.w() * out.c() * node.inputs().get(0).shape().c() / groups
          * ((Number) spec.getOrDefault("fh", 1)).intValue() * ((Number) spec.getOrDefault("fw", 1)).intValue();
    }
    return total;
  }

  /** Whether the channels-last kernels take node i (a batch norm only as part of its convolution). */
  private static boolean takes(List<Node> nodes, int[] readers, int i) {
    Node node = nodes.get(i);
    Map<String, Object> spec = node.spec();
    return switch (node.op()) {
      // filters two vectors at a time: with one (16 filters), the tile's 7 sums wait on each
      // other's latency (ResNet-20's first stage at batch 128: 1.09-1.31x slower than NCHW)
      case Conv2d c -> "conv2d".equals(spec.get("op")) && !spec.containsKey("groups")
          && node.shape().c() % (2 * ChannelsLast.lanes()) == 0 && floorFits(node, intOf(spec, "fh"), intOf(spec, "fw"));
      case BatchNorm b -> node.inputs().get(0).op() instanceof Conv2d
          && readers[nodes.indexOf(node.inputs().get(0))] == 1;
      case Add a -> node.inputs().size() == 2 && node.inputs().get(0).shape().equals(node.inputs().get(1).shape());
      case MaxPool2d p -> "maxPool".equals(spec.get("op")) && floorFits(node, intOf(spec, "size"), intOf(spec, "size"));
      case Relu r -> node.shape().isVolume();
      case Lrn l -> true;
      case GlobalAvgPool g -> true;
      default -> false;
    };
  }

  /** Whether the node's output size is the lecture's rule rounded down (not a partial window added, ceil mode). */
  private static boolean floorFits(Node node, int fh, int fw) {
    var in = node.inputs().get(0).shape();
    int stride = intOf(node.spec(), "stride"), pad = intOf(node.spec(), "pad");
    return node.shape().h() == (in.h() + 2 * pad - fh) / stride + 1
        && node.shape().w() == (in.w() + 2 * pad - fw) / stride + 1;
  }

  /** Whether a node after {@code end} reads one before it: then end alone does not carry the pass on. */
  private static boolean readAcross(List<Node> nodes, int end) {
    for (int j = end + 1; j < nodes.size(); j++) {
      for (Node in : nodes.get(j).inputs()) if (nodes.indexOf(in) < end) return true;
    }
    return false;
  }

  private static int intOf(Map<String, Object> spec, String key) {
    return ((Number) spec.get(key)).intValue();
  }

  /** Lays out the activations, fuses the runs, and makes the stages. */
  private static final class Builder {
    final Model model;
    final List<Node> nodes;
    final Tensor[] tensors;
    final int[] readers;
    final int end, batch;
    final WorkerPool pool;
    final Nhwc[] layout;      // per node that has an array of its own
    final float[][] data;
    final int[] owner;        // the node whose array holds node i's output (the last of its fused run)
    final int[] lastRead;     // the stage that reads node i's array last
    final List<Stage> stages = new ArrayList<>();
    final List<Integer> stageNode = new ArrayList<>();
    final List<float[]> free = new ArrayList<>();
    final List<Nhwc> freeLayout = new ArrayList<>();
    final WinogradBuffers winogradBuffers = new WinogradBuffers();  // the front's layers run one at a time

    Builder(Model model, List<Node> nodes, Tensor[] tensors, int[] readers, int end, int batch, WorkerPool pool) {
      this.model = model;
      this.nodes = nodes;
      this.tensors = tensors;
      this.readers = readers;
      this.end = end;
      this.batch = batch;
      this.pool = pool;
      this.layout = new Nhwc[end + 1];
      this.data = new float[end + 1][];
      this.owner = new int[end + 1];
      this.lastRead = new int[end + 1];
    }

    ChannelsLastFront build() {
      // the runs: a convolution takes its batch norm, then an add whose other input is ready, then a ReLU
      Run[] runs = new Run[end + 1];  // by the node that leads each run; null for the nodes a run took
      boolean[] taken = new boolean[end + 1];
      for (int i = 1; i <= end; i++) {
        if (taken[i]) continue;
        Run run = runFrom(i);
        runs[i] = run;
        for (int member : run.members()) {
          taken[member] = true;
          owner[member] = run.last();
        }
      }
      owner[0] = 0;
      // borders: the widest padding among a node's convolution readers
      int[] border = new int[end + 1];
      for (int i = 1; i <= end; i++) {
        Node node = nodes.get(i);
        if (node.op() instanceof Conv2d) {
          int from = owner[nodes.indexOf(node.inputs().get(0))];
          border[from] = Math.max(border[from], intOf(node.spec(), "pad"));
        }
      }
      for (int i = 0; i <= end; i++) {
        if (owner[i] != i) continue;
        var s = nodes.get(i).shape();
        layout[i] = new Nhwc(s.c(), s.h(), s.w(), border[i]);
      }
      // stage order is node order: the stage of run i reads its lead's input and its residual
      int stage = 0;
      for (int i = 1; i <= end; i++) {
        if (runs[i] == null) continue;
        stage++;  // stage 0 converts the input
        for (Node in : nodes.get(i).inputs()) lastRead[owner[nodes.indexOf(in)]] = stage;
        if (runs[i].residual() >= 0) lastRead[owner[runs[i].residual()]] = stage;
      }
      lastRead[end] = Integer.MAX_VALUE;  // read back to NCHW at the end
      // arrays and stages
      data[0] = allocate(layout[0]);
      float[] image = tensors[0].value, first = data[0];
      Nhwc in = layout[0];
      add(new RowStage(pool, in.h(), (r0, r1) -> ChannelsLast.fromNchw(image, in, first, r0, r1)), 0);
      stage = 0;
      for (int i = 1; i <= end; i++) {
        if (runs[i] == null) continue;
        stage++;
        int o = runs[i].last();
        Node node = nodes.get(i);
        if (node.op() instanceof GlobalAvgPool) {
          int from = owner[nodes.indexOf(node.inputs().get(0))];
          add(new GlobalAverage(layout[from], data[from], tensors[i].value, pool), i);
          release(stage);
          continue;
        }
        int res = residualInPlace(runs[i], stage);
        if (res >= 0) {
          data[o] = data[res];  // the convolution adds its residual in place: that array becomes its output
          lastRead[res] = -1;   // so it is not handed back after this stage; it lives on as o's
        } else {
          data[o] = allocate(layout[o]);
        }
        add(stageFor(runs[i]), i);  // timed as the layer that leads the run (the convolution, in a profile)
        release(stage);
      }
      if (!(nodes.get(end).op() instanceof GlobalAvgPool)) {
        float[] last = data[end], nchw = tensors[end].value;
        Nhwc out = layout[end];
        add(new RowStage(pool, out.h(), (r0, r1) -> ChannelsLast.toNchw(out, last, nchw, r0, r1)), end);
      }
      int[] nodeOf = stageNode.stream().mapToInt(Integer::intValue).toArray();
      return new ChannelsLastFront(end, stages.toArray(new Stage[0]), nodeOf);
    }

    private void add(Stage stage, int node) {
      stages.add(stage);
      stageNode.add(node);
    }

    /**
     * The run that node i leads: for a convolution its batch norm, then an add whose other input
     * is made earlier (a residual), then a ReLU, each the sole reader of the one before and within
     * the front; for an add its ReLU; for anything else the node alone.
     */
    private Run runFrom(int i) {
      int at = i, norm = -1, add = -1, residual = -1, relu = -1;
      Op op = nodes.get(i).op();
      if (op instanceof Conv2d) {
        int next = soleReader(at);
        if (next > 0 && nodes.get(next).op() instanceof BatchNorm) at = norm = next;
        next = soleReader(at);
        if (next > 0 && nodes.get(next).op() instanceof Add) {
          List<Node> ins = nodes.get(next).inputs();
          int a = nodes.indexOf(ins.get(0)), b = nodes.indexOf(ins.get(1)), other = a == at ? b : a;
          if (other < i) {
            at = add = next;
            residual = other;
          }
        }
      }
      if (op instanceof Conv2d || op instanceof Add) {
        int next = soleReader(at);
        if (next > 0 && nodes.get(next).op() instanceof Relu) at = relu = next;
      }
      return new Run(i, norm, add, residual, relu, at);
    }

    /** The node that alone reads node i's output, if it is within the front; else -1. */
    private int soleReader(int i) {
      if (readers[i] != 1) return -1;
      for (int r = i + 1; r <= end; r++) if (nodes.get(r).inputs().contains(nodes.get(i))) return r;
      return -1;
    }

    private int input(int i, int slot) {
      return owner[nodes.indexOf(nodes.get(i).inputs().get(slot))];
    }

    /**
     * The array (its node) that a convolution run may write its output over, adding its residual
     * in place, or -1: where this stage reads the residual last, it is not the convolution's
     * input, the layouts match, and the convolution reads each residual value just before it
     * writes that output (Winograd always; the direct convolution where it takes all of k at
     * once). The output's cache lines, fetched before they are written, then bring the residual
     * with them, one stream of memory traffic fewer (ONNX Runtime's NCHWc convolutions accumulate
     * into the residual's buffer the same way): ResNet-50's 1x1 expansions with their residual
     * ran up to 7% faster alone, 0.91-1.04 of their time in the network at batch 1 (BENCHMARKS.md).
     */
    private int residualInPlace(Run run, int stage) {
      if (run.residual() < 0 || !(nodes.get(run.lead()).op() instanceof Conv2d)) return -1;
      int res = owner[run.residual()], x = input(run.lead(), 0), o = run.last();
      if (res == x || lastRead[res] != stage || !layout[res].equals(layout[o])) return -1;
      Map<String, Object> spec = nodes.get(run.lead()).spec();
      int fh = intOf(spec, "fh"), fw = intOf(spec, "fw"), stride = intOf(spec, "stride");
      boolean once = winograd(layout[x], layout[o], fh, fw, stride)
          || NhwcConvolution.addsResidualInPlace(fh, fw, layout[x].c());
      return once ? res : -1;
    }

    private Stage stageFor(Run run) {
      int i = run.lead(), o = run.last();
      Node node = nodes.get(i);
      Map<String, Object> spec = node.spec();
      int x = input(i, 0);
      Nhwc in = layout[x], out = layout[o];
      float[] xs = data[x], ys = data[o];
      return switch (node.op()) {
        case Conv2d c -> convStage(run, x);
        case MaxPool2d p -> {
          int size = intOf(spec, "size"), stride = intOf(spec, "stride"), pad = intOf(spec, "pad");
          yield new RowStage(pool, out.h(),
              (r0, r1) -> ChannelsLast.maxPool(in, xs, out, ys, size, size, stride, pad, r0, r1));
        }
        case Lrn l -> {
          int size = intOf(spec, "size");
          float alpha = ((Number) spec.get("alpha")).floatValue(), beta = ((Number) spec.get("beta")).floatValue();
          float k = ((Number) spec.get("k")).floatValue();
          yield new RowStage(pool, out.h(),
              (r0, r1) -> ChannelsLast.localResponse(in, xs, out, ys, size, alpha, beta, k, r0, r1));
        }
        case Add a -> {
          int y = input(i, 1);
          Nhwc otherLayout = layout[y];
          float[] other = data[y];
          boolean relu = run.relu() >= 0;
          yield new RowStage(pool, out.h(),
              (r0, r1) -> ChannelsLast.addRelu(in, xs, otherLayout, other, out, ys, relu, r0, r1));
        }
        case Relu r -> new RowStage(pool, out.h(),
            (r0, r1) -> ChannelsLast.addRelu(in, xs, null, null, out, ys, true, r0, r1));
        default -> throw new IllegalStateException("no channels-last stage for " + node.name());
      };
    }

    private Stage convStage(Run run, int x) {
      int i = run.lead(), o = run.last(), res = run.residual() < 0 ? -1 : owner[run.residual()];
      Map<String, Object> spec = nodes.get(i).spec();
      Param[] p = model.paramsOf(i);
      float[] bias = p.length > 1 ? p[1].value() : null;
      Param[] norm = run.norm() < 0 ? null : model.paramsOf(run.norm());  // scale, shift, mean, variance
      boolean relu = run.relu() >= 0;
      float[] gamma = norm == null ? null : norm[0].value(), beta = norm == null ? null : norm[1].value();
      float[] mean = norm == null ? null : norm[2].value(), var = norm == null ? null : norm[3].value();
      float[] xs = data[x], ys = data[o], rs = res < 0 ? null : data[res];
      Nhwc rl = res < 0 ? null : layout[res];
      int fh = intOf(spec, "fh"), fw = intOf(spec, "fw"), stride = intOf(spec, "stride"), pad = intOf(spec, "pad");
      if (winograd(layout[x], layout[o], fh, fw, stride)) {
        NhwcWinograd conv = new NhwcWinograd(layout[x], layout[o], pad, p[0].value(), bias, gamma, beta, mean, var,
            BatchNorm.EPS, pool, winogradBuffers);
        return n -> conv.run(xs, ys, rl, rs, relu, n);  // made once: the pass allocates nothing
      }
      NhwcConvolution conv = new NhwcConvolution(layout[x], layout[o], fh, fw, stride, pad, p[0].value(), bias,
          gamma, beta, mean, var, BatchNorm.EPS, pool);
      return n -> conv.run(xs, ys, rl, rs, relu, n);  // made once: the pass allocates nothing
    }

    /**
     * Whether a convolution runs by channels-last Winograd ({@link NhwcWinograd}) rather than
     * directly: 3x3 at stride 1, channels in whole vectors, and at least {@link #WINOGRAD_TILES}
     * tiles of 4x4 outputs in the batch.
     */
    private boolean winograd(Nhwc in, Nhwc out, int fh, int fw, int stride) {
      if (fh != 3 || fw != 3 || stride != 1 || !NhwcWinograd.fits(in.c(), out.c())) return false;
      return (long) batch * Winograd3x3.tiles(out.h()) * Winograd3x3.tiles(out.w()) >= WINOGRAD_TILES;
    }

    private float[] allocate(Nhwc l) {
      for (int k = 0; k < free.size(); k++) {
        if (freeLayout.get(k).equals(l)) {
          freeLayout.remove(k);
          return free.remove(k);
        }
      }
      return new float[l.floats(batch)];
    }

    /** Hands back the arrays that stage s read last. */
    private void release(int s) {
      for (int j = 0; j <= end; j++) {
        if (data[j] != null && lastRead[j] == s) {
          free.add(data[j]);
          freeLayout.add(layout[j]);
          lastRead[j] = -1;
        }
      }
    }
  }

  /**
   * Nodes fused into one stage: the lead, then (each -1 where absent) a convolution's batch norm,
   * an add with the index of its other input, and a ReLU; {@code last} writes the stage's output.
   */
  private record Run(int lead, int norm, int add, int residual, int relu, int last) {
    /** The run's nodes, the lead first. */
    int[] members() {
      return java.util.stream.IntStream.of(lead, norm, add, relu).filter(m -> m >= 0).toArray();
    }
  }

  /** A range of output rows of a pass over all images (row r: image r / H, row r % H). */
  private interface Rows {
    void run(int r0, int r1);
  }

  /** A stage cut by output rows among the pool's threads; its loop a lambda made once, at build. */
  private static final class RowStage implements Stage, WorkerPool.Task {
    private final WorkerPool pool;
    private final int height;
    private final Rows rows;
    private int count, pieces;

    RowStage(WorkerPool pool, int height, Rows rows) {
      this.pool = pool;
      this.height = height;
      this.rows = rows;
    }

    @Override
    public void pass(int n) {
      count = n * height;
      pieces = pool.balancedPieces(count);
      pool.run(pieces, this);
    }

    @Override
    public void run(int piece) {
      rows.run(WorkerPool.splitStart(piece, pieces, count), WorkerPool.splitStart(piece + 1, pieces, count));
    }
  }

  /** The global average pool: one image a piece. */
  private static final class GlobalAverage implements Stage, WorkerPool.Task {
    final Nhwc in;
    final float[] x, y;
    final WorkerPool pool;

    GlobalAverage(Nhwc in, float[] x, float[] y, WorkerPool pool) {
      this.in = in;
      this.x = x;
      this.y = y;
      this.pool = pool;
    }

    @Override
    public void pass(int n) {
      pool.run(n, this);
    }

    @Override
    public void run(int piece) {
      ChannelsLast.globalAverage(in, x, y, piece, piece + 1);
    }
  }
}
