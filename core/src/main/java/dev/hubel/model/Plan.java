package dev.hubel.model;

import dev.hubel.kernel.ParamUpdates;
import dev.hubel.kernel.SoftmaxCrossEntropy;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.op.Add;
import dev.hubel.op.BatchNorm;
import dev.hubel.op.FusesNorm;
import dev.hubel.op.FusesRelu;
import dev.hubel.op.FusesReluInTraining;
import dev.hubel.op.Relu;
import dev.hubel.op.Step;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.ShapeException;
import dev.hubel.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A model compiled for batches of up to {@code batch} examples: the steps in topological order
 * and every activation and gradient buffer, allocated here once. Forward, loss and backward then
 * allocate nothing, so a training loop leaves the garbage collector idle.
 *
 * <p>A plan is not thread-safe; it uses the worker pool for its own parallelism.
 */
public final class Plan {
  private final Model model;
  private final int batch;
  private final Tensor[] tensors;  // one per node, parallel to model.nodes()
  private final Step[] steps;
  private final List<Param> params;
  private final int classes;
  private final boolean inputGrad;
  private int correct;
  private float labelSmoothing;
  private long noiseSeed;
  private long iteration;  // training forward passes so far: with noiseSeed, what random layers draw from
  // Inference passes fold each batch norm into the convolution that alone feeds it (FusesNorm),
  // a residual add after such a norm into that convolution where it can (fuseResidual), and each
  // ReLU into the convolution, batch norm or residual add that alone feeds it (FusesRelu): the
  // producer writes the later step's output, and the plan skips that step.
  private final boolean[] fusedAway;  // the steps an inference pass skips
  private final boolean[] unwritten;  // the outputs an inference pass leaves as they were
  private final List<Runnable> unfuse = new java.util.ArrayList<>(), refuse = new java.util.ArrayList<>();
  private int staleCount;             // examples of the last pass while it left outputs unwritten; else 0
  // Training passes fuse each ReLU into the batch norm or residual add that alone feeds it
  // (FusesReluInTraining): the producer writes the ReLU's output and takes its gradient, and the
  // plan skips the ReLU both ways; the producer's own output is made only when asked for.
  private final boolean[] fusedInTraining;      // the ReLU steps training passes skip (both ways)
  private final boolean[] unwrittenInTraining;  // the outputs training passes leave unwritten
  private final boolean[] ownOutputStale;       // of those, the ones the last training pass left as they were
  private int trainingCount;                    // examples of the last training pass; 0 after an inference pass
  private final WorkerPool pool;
  private final WorkerPool.Task zeroTask = this::zeroPiece;  // made once: handing it to the pool allocates nothing
  private int zeroCount;                                      // examples the gradients are zeroed for
  private long[] forwardNanos, backwardNanos;  // per step, while profiling; else null
  private long zeroNanos;                      // zeroing the gradients before backward, while profiling
  private boolean frozen;                      // freezeWeights: inference only, derived forms of the weights trusted
  private final boolean[] zeroed;              // the activation gradients zeroed before a backward pass
  // a frozen plan runs its convolutional front channels-last in inference (null: none, or not frozen);
  // after such a pass the outputs of the nodes before the front's end are unwritten
  private ChannelsLastFront front;
  private int staleBefore = -1;  // the last pass ran the front: nodes 1 .. staleBefore-1 are unwritten

  Plan(Model model, int batch, WorkerPool pool) {
    this(model, batch, pool, false);
  }

  /**
   * @param inputGrad also keep the gradient with respect to the input (for tests and saliency);
   *     off by default, which spares the first layer computing it
   */
  Plan(Model model, int batch, WorkerPool pool, boolean inputGrad) {
    this(model, batch, pool, inputGrad, false);
  }

  /**
   * @param zeroEveryGradient zero every activation gradient before a backward pass, as if no step
   *     could write one (for the test that checks the writing against it)
   */
  Plan(Model model, int batch, WorkerPool pool, boolean inputGrad, boolean zeroEveryGradient) {
    this(model, batch, pool, inputGrad, zeroEveryGradient, true);
  }

  /**
   * @param fuseReluInTraining fuse ReLUs into the batch norms and adds that feed them in training
   *     passes too (off: for the test that checks the fused passes against the steps apart)
   */
  Plan(Model model, int batch, WorkerPool pool, boolean inputGrad, boolean zeroEveryGradient, boolean fuseReluInTraining) {
    if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, received " + batch);
    this.model = model;
    this.pool = pool;
    this.batch = batch;
    this.inputGrad = inputGrad;
    this.params = model.params();
    List<Node> nodes = model.nodes();
    this.tensors = new Tensor[nodes.size()];
    this.steps = new Step[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      tensors[i] = new Tensor(node.shape(), batch, i != 0 || inputGrad);
    }
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      Tensor[] ins = new Tensor[node.inputs().size()];
      for (int j = 0; j < ins.length; j++) ins[j] = tensors[nodes.indexOf(node.inputs().get(j))];
      steps[i] = node.op().compile(ins, tensors[i], model.paramsOf(i), pool);
    }
    this.classes = model.outputShape().size();
    this.zeroed = new boolean[nodes.size()];
    for (int t = 0; t < nodes.size(); t++) zeroed[t] = zeroEveryGradient || !firstReaderWrites(nodes, t);
    this.fusedAway = new boolean[nodes.size()];
    this.unwritten = new boolean[nodes.size()];
    int[] readers = new int[nodes.size()];
    for (Node node : nodes) for (Node in : node.inputs()) readers[nodes.indexOf(in)]++;
    for (int j = 1; j < nodes.size(); j++) {  // convolution -> batch norm [-> ReLU]
      int i = nodes.indexOf(nodes.get(j).inputs().get(0));
      if (!(nodes.get(j).op() instanceof BatchNorm) || i <= 0 || readers[i] != 1
          || !(steps[i] instanceof FusesNorm conv)) {
        continue;
      }
      int r = soleRelu(nodes, readers, j);
      Tensor target = tensors[r >= 0 ? r : j];
      Param[] bn = model.paramsOf(j);  // scale, shift, running mean, running variance
      Runnable on = () -> conv.fuseNorm(bn[0], bn[1], bn[2], bn[3], target, r >= 0);
      on.run();
      refuse.add(on);
      unfuse.add(() -> conv.fuseNorm(null, null, null, null, null, false));
      fusedAway[j] = true;
      unwritten[i] = true;
      if (r >= 0) {
        fusedAway[r] = true;
        unwritten[j] = true;
      }
    }
    for (int j = 1; j < nodes.size(); j++) fuseResidual(nodes, readers, j);
    this.fusedInTraining = new boolean[nodes.size()];
    this.unwrittenInTraining = new boolean[nodes.size()];
    this.ownOutputStale = new boolean[nodes.size()];
    for (int j = 1; j < nodes.size() && fuseReluInTraining; j++) {  // batch norm or add -> ReLU, in training
      int r = soleRelu(nodes, readers, j);
      if (r < 0 || !(steps[j] instanceof FusesReluInTraining producer)) continue;
      producer.fuseReluInTraining(tensors[r]);
      fusedInTraining[r] = true;
      unwrittenInTraining[j] = true;
    }
    for (int j = 1; j < nodes.size(); j++) {  // convolution, batch norm or add -> ReLU
      int r = soleRelu(nodes, readers, j);
      if (r < 0 || fusedAway[r] || fusedAway[j] || !(steps[j] instanceof FusesRelu producer)) continue;
      Tensor target = tensors[r];
      producer.fuseRelu(target);
      refuse.add(() -> producer.fuseRelu(target));
      unfuse.add(() -> producer.fuseRelu(null));
      fusedAway[r] = true;
      unwritten[j] = true;
    }
  }

  /**
   * Convolution -> batch norm (fused, as the add alone reads it) -> add [-> ReLU], where the add's
   * other input is made earlier than the convolution and written by the pass: the convolution adds
   * that input as it writes and the plan skips the add (and its ReLU). A residual block's last
   * convolution, or its projection, comes last of the two branches, so one of them takes it;
   * the add had been 4% of ResNet-50's inference at batch 8.
   */
  private void fuseResidual(List<Node> nodes, int[] readers, int j) {
    Node add = nodes.get(j);
    if (!(add.op() instanceof Add) || add.inputs().size() != 2) return;
    for (int side = 0; side < 2; side++) {
      int norm = nodes.indexOf(add.inputs().get(side)), other = nodes.indexOf(add.inputs().get(1 - side));
      if (norm == other || !(nodes.get(norm).op() instanceof BatchNorm) || !fusedAway[norm] || readers[norm] != 1) continue;
      int conv = nodes.indexOf(nodes.get(norm).inputs().get(0));
      if (other >= conv || unwritten[other] || !(steps[conv] instanceof FusesNorm producer) || !producer.fusesResidual()) {
        continue;
      }
      int r = soleRelu(nodes, readers, j);
      Tensor shortcut = tensors[other], target = tensors[r >= 0 ? r : j];
      Runnable on = () -> producer.fuseResidual(shortcut, target, r >= 0);
      on.run();
      refuse.add(on);  // after the norm's own, which it builds on
      fusedAway[j] = true;
      unwritten[norm] = true;
      if (r >= 0) {
        fusedAway[r] = true;
        unwritten[j] = true;
      }
      return;
    }
  }

  /**
   * Whether the step that reaches node t's gradient first in a backward pass (its last reader in
   * the plan) agrees to write that gradient rather than add into it ({@link Step#writesGradientOf}),
   * so that it need not be zeroed first. ResNet-20's training step had spent 5% zeroing.
   */
  private boolean firstReaderWrites(List<Node> nodes, int t) {
    Node node = nodes.get(t);
    for (int j = nodes.size() - 1; j > t; j--) {
      List<Node> ins = nodes.get(j).inputs();
      int slot = ins.indexOf(node);
      if (slot < 0) continue;
      return ins.lastIndexOf(node) == slot && steps[j].writesGradientOf(slot);
    }
    return false;  // no reader: the network's output, whose gradient the loss writes
  }

  /** The ReLU node that alone reads node j's output, or -1. */
  private static int soleRelu(List<Node> nodes, int[] readers, int j) {
    if (readers[j] != 1) return -1;
    for (int r = j + 1; r < nodes.size(); r++) {
      Node node = nodes.get(r);
      if (node.inputs().contains(nodes.get(j))) return node.op() instanceof Relu ? r : -1;
    }
    return -1;
  }

  public int batch() {
    return batch;
  }

  public Model model() {
    return model;
  }

  /** The input buffer, (batch, C, H, W): fill the first n examples, then call forward. */
  public float[] input() {
    return tensors[0].value;
  }

  /** The output buffer (batch, classes): logits after a forward pass. */
  public float[] output() {
    return tensors[tensors.length - 1].value;
  }

  /**
   * The output's gradient, (batch, classes): what {@link #backward} starts from. Write it (or let
   * {@link #lossAndGradient} write it) before calling backward.
   */
  public float[] outputGrad() {
    return tensors[tensors.length - 1].grad;
  }

  /** The gradient with respect to the input after a backward pass; only if the plan was compiled for it. */
  public float[] inputGrad() {
    if (!inputGrad) {
      throw new IllegalStateException("this plan keeps no input gradient; compile it with Model.compile(batch, pool, true)");
    }
    return tensors[0].grad;
  }

  /** The output of any node after a forward pass (activation maps, for inspection). */
  public float[] activations(Node node) {
    int i = model.nodes().indexOf(node);
    if (i < 0) throw new IllegalArgumentException(node.name() + " is not part of " + model.name());
    return value(i);
  }

  /**
   * Node i's output after the last pass. An inference pass leaves the outputs of the steps it
   * fused unwritten (and a frozen plan's channels-last front those before its end); then the pass
   * runs again, unfused and NCHW, for whoever asks to see one of them. That pass writes the
   * output too: after a channels-last pass, whose sums run in another order, its bits may change
   * in the last place.
   */
  private float[] value(int i) {
    if (staleCount > 0 && (unwritten[i] || i > 0 && i < staleBefore)) writeEveryOutput();
    if (ownOutputStale[i]) {
      ((FusesReluInTraining) steps[i]).writeOwnOutput(trainingCount);
      ownOutputStale[i] = false;
    }
    return tensors[i].value;
  }

  /** The last inference pass again, unfused, so that every node's output is there. */
  private void writeEveryOutput() {
    int n = staleCount;
    unfuse.forEach(Runnable::run);
    for (Step s : steps) s.forward(n, false);
    refuse.forEach(Runnable::run);
    staleCount = 0;
    staleBefore = -1;
  }

  /**
   * Copies n examples of the given shape into the input buffer, checking that they are what the
   * model takes.
   */
  public void load(float[] examples, Shape shape, int n) {
    Shape want = model.inputShape();
    if (!shape.equals(want) || n < 1 || n > batch || examples.length != n * want.size()) {
      throw new ShapeException(String.format(
          "%s takes a batch of [%s] examples (NCHW: N x %s), at most %d per batch; received %d example%s of [%s] in %d floats%s",
          model.name(), want, nchw(want), batch, n, n == 1 ? "" : "s", shape, examples.length,
          shape.equals(want) ? "" : hint(shape, want)));
    }
    System.arraycopy(examples, 0, tensors[0].value, 0, n * want.size());
  }

  /** Refuses examples of a shape the model does not take, naming both and how to fix it. */
  public static void requireInputShape(Model model, Shape got, String source) {
    Shape want = model.inputShape();
    if (!got.equals(want)) {
      throw new ShapeException(String.format("%s takes examples of [%s] (NCHW: N x %s); %s has [%s]%s",
          model.name(), want, nchw(want), source, got, hint(got, want)));
    }
  }

  private static String nchw(Shape s) {
    if (s.isSequence()) return s.dim(0) + " x " + s.dim(1) + ", channels by length";  // stored (C, L), printed LxC
    return s.isVolume() ? s.c() + " x " + s.h() + " x " + s.w() : s.toString();
  }

  private static String hint(Shape got, Shape want) {
    if (got.isVolume() && want.isVolume() && got.c() == want.c()
        && want.h() - got.h() == want.w() - got.w() && want.h() > got.h() && (want.h() - got.h()) % 2 == 0) {
      return "; pad the images by " + (want.h() - got.h()) / 2 + " on each side (Dataset.padded)";
    }
    return "";
  }

  /**
   * Declares the model's weights fixed from now on, for inference: what the steps derive from
   * them (a Winograd layer's transformed weights) is made on the next pass and then trusted,
   * instead of being checked against the weights on every pass, which reads all of them twice
   * (VGG-16 at batch 1: its convolutions 3.5% faster frozen). As an inference session's weights
   * are. Whoever changes the weights in place afterwards (loading others into the model, a hand edit) must call
   * {@link #weightsChanged}; a training pass, whose optimiser step would change them unseen, is
   * refused until {@link #thawWeights}. Returns this plan.
   *
   * <p>Where the Vector API runs 512-bit vectors, a frozen plan also runs its convolutional front
   * channels-last in inference ({@link ChannelsLastFront}): the same network, its sums in another
   * order, so the outputs agree with an unfrozen pass's to float rounding, not to the bit. The
   * system property {@code hubel.channelsLast=false} keeps every layer NCHW, as
   * {@link #freezeWeights(boolean) freezeWeights(false)} does for one plan.
   */
  public Plan freezeWeights() {
    return freezeWeights(true);
  }

  /**
   * {@link #freezeWeights()}, choosing whether the convolutional front may run channels-last
   * (false: every layer NCHW, so that the outputs are those of an unfrozen pass to the bit).
   */
  public Plan freezeWeights(boolean channelsLast) {
    frozen = true;
    for (Step step : steps) step.setWeightsFrozen(true);
    front = channelsLast ? ChannelsLastFront.build(model, steps, tensors, unwritten, batch, pool) : null;
    return this;
  }

  /** The node up to which inference runs channels-last (its output written back NCHW), or -1 where none does. */
  public int channelsLastEnd() {
    return front == null ? -1 : front.end();
  }

  /** Undoes {@link #freezeWeights}: the steps check the weights on every pass again, and training passes run. */
  public Plan thawWeights() {
    frozen = false;
    for (Step step : steps) step.setWeightsFrozen(false);
    front = null;
    return this;
  }

  /** Whether {@link #freezeWeights} holds. */
  public boolean weightsFrozen() {
    return frozen;
  }

  /** Tells a frozen plan that its model's weights were changed in place: the next pass derives its forms of them again. */
  public void weightsChanged() {
    for (Step step : steps) step.weightsChanged();
    if (front != null) {  // packs the weights again
      front = ChannelsLastFront.rebuild(model, steps, tensors, unwritten, batch, pool);
    }
  }

  /** Runs every step forward over the first n examples of the input buffer. */
  public void forward(int n, boolean training) {
    checkCount(n);
    if (training && frozen) {
      throw new IllegalStateException("this plan's weights are frozen for inference (Plan.freezeWeights), so it runs no "
          + "training pass: an optimiser step would change the weights unseen; call thawWeights() first, or compile "
          + "another plan to train");
    }
    if (training) {
      for (int i = 0; i < steps.length; i++) steps[i].reseed(mix(mix(noiseSeed, iteration), i));
      iteration++;
    }
    staleCount = 0;
    trainingCount = training ? n : 0;
    boolean frontRuns = !training && front != null;
    staleBefore = frontRuns ? front.end() : -1;
    if (frontRuns) {
      front.forward(n, forwardNanos);
      Arrays.fill(ownOutputStale, 0, front.end() + 1, false);
    }
    for (int i = frontRuns ? front.end() + 1 : 0; i < steps.length; i++) {
      ownOutputStale[i] = training && unwrittenInTraining[i];
      if (!training && fusedAway[i] || training && fusedInTraining[i]) continue;  // an earlier step wrote its output
      if (forwardNanos == null) {
        steps[i].forward(n, training);
      } else {
        long start = System.nanoTime();
        steps[i].forward(n, training);
        forwardNanos[i] += System.nanoTime() - start;
      }
    }
    if (!training && (!unfuse.isEmpty() || frontRuns)) staleCount = n;
  }

  /**
   * Starts (or, with false, stops) timing every step of the passes that follow, from zero; what
   * {@link #profile} reports. Two clock reads a step: nothing is allocated.
   */
  public void setProfiling(boolean on) {
    forwardNanos = on ? new long[steps.length] : null;
    backwardNanos = on ? new long[steps.length] : null;
    zeroNanos = 0;
  }

  /** Milliseconds per pass spent zeroing gradients before the backward passes since profiling started. */
  public double zeroingMillis(int passes) {
    return zeroNanos / 1e6 / passes;
  }

  /** One node's time in the passes since profiling started. */
  public record StepTime(String node, String kind, Shape shape, double forwardMillis, double backwardMillis) {
    public double totalMillis() {
      return forwardMillis + backwardMillis;
    }
  }

  /** Each node's time since {@link #setProfiling} turned profiling on, in the plan's order, per pass. */
  public List<StepTime> profile(int passes) {
    if (forwardNanos == null) throw new IllegalStateException("profiling is off; call setProfiling(true) before the passes");
    if (passes < 1) throw new IllegalArgumentException("passes must be at least 1, received " + passes);
    List<Node> nodes = model.nodes();
    List<StepTime> times = new java.util.ArrayList<>();
    for (int i = 0; i < steps.length; i++) {
      Node node = nodes.get(i);
      times.add(new StepTime(node.name(), node.op().kind(), node.shape(), forwardNanos[i] / 1e6 / passes,
          backwardNanos[i] / 1e6 / passes));
    }
    return times;
  }

  /** The seed random layers (dropout) draw from, with the iteration; set it from the run's seed. */
  public void setNoiseSeed(long seed) {
    this.noiseSeed = seed;
  }

  /** Training forward passes so far. A checkpoint stores it; a resumed run sets it back. */
  public long iteration() {
    return iteration;
  }

  public void setIteration(long iteration) {
    if (iteration < 0) throw new IllegalArgumentException("iteration must be 0 or more, received " + iteration);
    this.iteration = iteration;
  }

  /** SplittableRandom's finaliser (Stafford's mix 13) over a + golden-ratio-spaced b: well spread, no state. */
  private static long mix(long a, long b) {
    long z = a + (b + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Forward, softmax cross-entropy against {@code labels}, and backward: leaves the gradient of
   * the mean loss in every parameter's grad. Returns the mean loss.
   */
  public float trainStep(int n, int[] labels) {
    forward(n, true);
    float loss = lossAndGradient(n, labels, labelSmoothing);
    backward(n);
    return loss;
  }

  /**
   * Label smoothing ε for {@link #trainStep}, in [0, 1): the loss trained on aims at 1 - ε on the
   * label and ε / K on every class. Evaluation's loss ({@link #lossAndGradient(int, int[])}) stays
   * plain cross-entropy, so that validation losses compare across runs.
   */
  public void setLabelSmoothing(float epsilon) {
    if (!(epsilon >= 0 && epsilon < 1)) throw new IllegalArgumentException("label smoothing must be in [0, 1), received " + epsilon);
    this.labelSmoothing = epsilon;
  }

  /** Loss of the last forward pass; writes its gradient into the output's grad. */
  public float lossAndGradient(int n, int[] labels) {
    return lossAndGradient(n, labels, 0f);
  }

  /** The same against labels smoothed by ε (see {@link #setLabelSmoothing}). */
  public float lossAndGradient(int n, int[] labels, float smoothing) {
    for (int r = 0; r < n; r++) {
      if (labels[r] < 0 || labels[r] >= classes) {
        throw new IllegalArgumentException("label " + labels[r] + " of example " + r + " is outside 0.."
            + (classes - 1) + ": " + model.name() + " has " + classes + " outputs");
      }
    }
    Tensor out = tensors[tensors.length - 1];
    double total = SoftmaxCrossEntropy.lossAndGrad(out.value, n, classes, labels, out.grad, smoothing);
    correct = 0;
    for (int r = 0; r < n; r++) if (SoftmaxCrossEntropy.argmax(out.value, r, classes) == labels[r]) correct++;
    return (float) (total / n);
  }

  /** How many of the last loss's examples the model ranked first correctly. */
  public int lastCorrect() {
    return correct;
  }

  /** Backward from the output's grad; parameter grads are overwritten, not accumulated across steps. */
  public void backward(int n) {
    checkCount(n);
    // after a fused inference pass (a saliency map, a test): the steps' backward passes read
    // outputs that pass left unwritten, a batch norm its input for one
    if (staleCount > 0) writeEveryOutput();
    long zeroStart = System.nanoTime();
    // on every thread: one core filled ResNet-20's gradients (500 MB at batch 128) at a third of
    // the memory's speed, 6% of its training step
    zeroCount = n;
    pool.run(pool.threads(), zeroTask);
    for (int i = 0; i < params.size(); i++) Arrays.fill(params.get(i).grad(), 0f);  // indexed: an iterator would allocate every step
    // a ReLU fused in training is skipped whichever pass ran last: its producer takes its gradient
    if (backwardNanos == null) {
      for (int i = steps.length - 1; i >= 1; i--) if (!fusedInTraining[i]) steps[i].backward(n);
      return;
    }
    zeroNanos += System.nanoTime() - zeroStart;
    for (int i = steps.length - 1; i >= 1; i--) {
      if (fusedInTraining[i]) continue;
      long start = System.nanoTime();
      steps[i].backward(n);
      backwardNanos[i] += System.nanoTime() - start;
    }
  }

  /** Zeroes piece p's share of every activation gradient (each tensor cut into even runs). */
  private void zeroPiece(int p) {
    int pieces = pool.threads();
    for (int i = inputGrad ? 0 : 1; i < tensors.length - 1; i++) {
      if (!zeroed[i]) continue;  // its first reader in the backward pass writes it
      int size = zeroCount * tensors[i].stride();
      Arrays.fill(tensors[i].grad, WorkerPool.splitStart(p, pieces, size), WorkerPool.splitStart(p + 1, pieces, size), 0f);
    }
  }

  private void checkCount(int n) {
    if (n < 1 || n > batch) {
      throw new IllegalArgumentException("this plan runs 1.." + batch + " examples at a time, asked for " + n);
    }
  }

  /**
   * The first node, in the order the forward pass runs them, whose output over the first n
   * examples holds a NaN or an infinity; null when none does. For a divergence report: it scans
   * every activation, so it is only for when something already went wrong.
   */
  public String firstNonFiniteOutput(int n) {
    checkCount(n);
    List<Node> nodes = model.nodes();
    for (int i = 0; i < tensors.length; i++) {
      if (ParamUpdates.anyNonFinite(value(i), n * tensors[i].stride())) return nodes.get(i).name();
    }
    return null;
  }

  /**
   * The first place, in the order the backward pass reaches them (from the output towards the
   * input), where the last backward pass left a NaN or an infinity: a node's output gradient
   * ("FC8") or one of its parameters' gradients ("FC8.weight"); null when there is none.
   */
  public String firstNonFiniteGradient(int n) {
    checkCount(n);
    List<Node> nodes = model.nodes();
    for (int i = tensors.length - 1; i >= 1; i--) {
      if (ParamUpdates.anyNonFinite(tensors[i].grad, n * tensors[i].stride())) return nodes.get(i).name();
      for (Param p : model.paramsOf(i)) if (ParamUpdates.anyNonFinite(p.grad(), p.size())) return p.name();
    }
    return null;
  }
}
