package dev.hubel.ui;

import dev.hubel.data.Dataset;
import dev.hubel.kernel.SoftmaxCrossEntropy;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Architecture;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Normalization;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.ui.Views.Confusion;
import dev.hubel.ui.Views.Example;
import dev.hubel.ui.Views.Filters;
import dev.hubel.ui.Views.Guess;
import dev.hubel.ui.Views.Inspection;
import dev.hubel.ui.Views.LayerPicture;
import dev.hubel.ui.Views.Prediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Looks inside the model without touching the training plan: it keeps its own copy of the
 * network (same architecture, its own weights and plan, on a one-thread pool of its own), into
 * which the training thread copies the weights now and then, between two steps. Everything the
 * page shows about the model (activations, filters, predictions on examples, the confusion
 * matrix, the predictions on uploaded images) is computed from that copy on the inspector's
 * thread or a request's, never on the training thread.
 *
 * <p>The training thread never waits: it copies only when no inspection or prediction holds the
 * copy ({@code tryLock}), and skips otherwise. Inspections are spaced so that they take at most
 * about a fifth of one core.
 */
final class Inspector implements AutoCloseable {
  /** Examples shown with their top-3 predictions. */
  static final int GRID = 24;
  /** Examples counted into the confusion matrix when it is computed here (not taken from the run's validation). */
  static final int CONFUSION_MAX = 1000;
  private static final long MIN_INTERVAL_NANOS = 2_000_000_000L;
  private static final long PLAN_BYTES = 64L << 20;

  /** Which examples the page shows, and from what part of the data they come ("test", "validation", "training"). */
  record Examples(Dataset data, int[] indices, String source) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final Model copy;
  private final Plan plan;
  private final Examples examples;
  private final List<String> classNames;
  private final Consumer<Inspection> onInspection;
  private final Consumer<Confusion> onConfusion;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "hubel-dashboard-inspector");
    t.setDaemon(true);
    return t;
  });
  private volatile long nextNanos;
  private volatile boolean wanted = true;
  private volatile boolean confusionWanted;
  private long version;

  /**
   * @param model the model to copy (its weights now), or to use as it is when {@code own}
   * @param own the model is the inspector's alone (a saved run's): it is not copied
   * @param examples shown in the grid and counted into the confusion matrix; null for none
   */
  Inspector(Model model, boolean own, Examples examples, List<String> classNames,
            Consumer<Inspection> onInspection, Consumer<Confusion> onConfusion) {
    this.copy = own ? model : Architecture.rebuild(model.name(), Architecture.describe(model));
    if (!own) copyWeights(model);
    this.plan = copy.compile(batchFor(copy), new WorkerPool(1));
    this.examples = examples;
    this.classNames = List.copyOf(classNames);
    this.onInspection = onInspection;
    this.onConfusion = onConfusion;
  }

  /**
   * Examples the copy runs at once: up to 32, fewer for big networks, so that the copy's buffers
   * (values and gradients of every layer) stay near 64 MiB: VGG-16 at 224x224
   * runs one at a time.
   */
  static int batchFor(Model model) {
    long perExample = 0;
    for (Node n : model.nodes()) perExample += 2L * Float.BYTES * n.shape().size();
    return (int) Math.clamp(PLAN_BYTES / Math.max(1, perExample), 1, 32);
  }

  /** Asks for an inspection at the next chance (a page opened, an epoch ended). */
  void want(boolean confusion) {
    if (confusion) confusionWanted = true;
    wanted = true;
  }

  /**
   * Called on the training thread between steps: when an inspection is due and the copy is free,
   * copies the weights and starts one in the background. Cheap when not due.
   */
  void maybeInspect(Model training, long step, int epoch, boolean watched) {
    if (!wanted && !(watched && System.nanoTime() >= nextNanos)) return;
    if (!busy.compareAndSet(false, true)) return;
    if (!lock.tryLock()) {
      busy.set(false);
      return;
    }
    try {
      copyWeights(training);
    } finally {
      lock.unlock();
    }
    submit(step, epoch);
  }

  /** After the run: waits for the copy (the run is over, nothing to hold up), copies and inspects. */
  void finalInspection(Model training, long step, int epoch, boolean confusion) {
    lock.lock();
    try {
      copyWeights(training);
    } finally {
      lock.unlock();
    }
    if (confusion) confusionWanted = true;
    busy.set(true);
    submit(step, epoch);
  }

  /** An inspection of the model as it is (a saved run's), in the background. */
  void inspectNow(long step, int epoch) {
    confusionWanted = true;
    if (busy.compareAndSet(false, true)) submit(step, epoch);
  }

  private void submit(long step, int epoch) {
    wanted = false;
    boolean confusion = confusionWanted;
    confusionWanted = false;
    thread.execute(() -> {
      long start = System.nanoTime();
      try {
        lock.lock();
        try {
          onInspection.accept(inspect(step, epoch));
          if (confusion && examples != null) onConfusion.accept(confusion(epoch));
        } finally {
          lock.unlock();
        }
      } catch (RuntimeException | Error e) {
        System.err.println("hubel ui: inspection failed: " + e);  // the page keeps its last pictures; training goes on
      } finally {
        long took = System.nanoTime() - start;
        nextNanos = System.nanoTime() + Math.max(MIN_INTERVAL_NANOS, 4 * took);
        busy.set(false);
      }
    });
  }

  private void copyWeights(Model training) {
    List<Param> from = training.params(), to = copy.params();
    for (int i = 0; i < to.size(); i++) System.arraycopy(from.get(i).value(), 0, to.get(i).value(), 0, to.get(i).size());
    Normalization n = training.normalization();
    if (n != copy.normalization()) copy.setNormalization(n);
  }

  private Inspection inspect(long step, int epoch) {
    version++;
    Example sample = null;
    List<LayerPicture> activations = List.of();
    List<Example> grid = new ArrayList<>();
    if (examples != null && examples.indices().length > 0) {
      int first = examples.indices()[0];
      load(examples.data(), new int[] {first}, 0, 1);
      plan.forward(1, false);
      activations = activations();
      sample = example(examples.data(), first, 0);
      int n = Math.min(GRID, examples.indices().length);
      for (int from = 0; from < n; from += plan.batch()) {
        int count = Math.min(plan.batch(), n - from);
        load(examples.data(), examples.indices(), from, count);
        plan.forward(count, false);
        for (int r = 0; r < count; r++) grid.add(example(examples.data(), examples.indices()[from + r], r));
      }
    }
    return new Inspection(version, step, epoch, examples == null ? null : examples.source(), sample, activations, filters(), grid);
  }

  /** Top-scoring classes of the examples counted into the matrix, by the copy as it is. */
  private Confusion confusion(int epoch) {
    int k = classNames.size();
    long[][] matrix = new long[k][k];
    int[] idx = examples.indices();
    int n = Math.min(CONFUSION_MAX, idx.length);
    long right = 0;
    for (int from = 0; from < n; from += plan.batch()) {
      int count = Math.min(plan.batch(), n - from);
      load(examples.data(), idx, from, count);
      plan.forward(count, false);
      for (int r = 0; r < count; r++) {
        int label = examples.data().labels()[idx[from + r]];
        int best = SoftmaxCrossEntropy.argmax(plan.output(), r, k);
        if (label < k) matrix[label][best]++;
        if (label == best) right++;
      }
    }
    return new Confusion(examples.source(), n, epoch, classNames, matrix, n == 0 ? 0 : (double) right / n);
  }

  /** Class probabilities and every layer's activations for one image (C x H x W in [0, 1]), by the copy as it is now. */
  Prediction predict(float[] image) throws InterruptedException {
    if (!lock.tryLock(20, TimeUnit.SECONDS)) throw new IllegalStateException("the model is busy; try again in a moment");
    try {
      plan.load(image, copy.inputShape(), 1);
      normalize(1);
      plan.forward(1, false);
      float[] probs = probabilities(0);
      Shape in = copy.inputShape();
      Pictures.Picture seen = Pictures.example(image, 0, in);
      return new Prediction(top(probs, Math.min(5, probs.length)), seen == null ? null : seen.url(), activations());
    } finally {
      lock.unlock();
    }
  }

  Shape inputShape() {
    return copy.inputShape();
  }

  private void load(Dataset data, int[] idx, int from, int count) {
    int per = data.shape().size();
    float[] in = plan.input();
    for (int r = 0; r < count; r++) System.arraycopy(data.images(), idx[from + r] * per, in, r * per, per);
    normalize(count);
  }

  private void normalize(int count) {
    Normalization n = copy.normalization();
    if (n != null) n.apply(plan.input(), count, copy.inputShape().size() / n.channels());
  }

  private List<LayerPicture> activations() {
    List<LayerPicture> out = new ArrayList<>();
    for (Node node : copy.nodes()) {
      Pictures.Picture p = Pictures.activations(plan.activations(node), 0, node.shape());
      out.add(new LayerPicture(node.name(), node.shape().toString(), p.url(), p.width(), p.height(), p.shown(), p.total()));
    }
    return out;
  }

  private Example example(Dataset data, int index, int row) {
    Pictures.Picture p = Pictures.example(data.images(), index * data.shape().size(), data.shape());
    int label = data.labels()[index];
    List<Guess> top = top(probabilities(row), Math.min(3, classNames.size()));
    return new Example(p == null ? null : p.url(), label, label < classNames.size() ? classNames.get(label) : "class " + label,
        top, top.getFirst().index() == label);
  }

  private float[] probabilities(int row) {
    int k = classNames.size();
    float[] logits = Arrays.copyOfRange(plan.output(), row * k, (row + 1) * k), probs = new float[k];
    SoftmaxCrossEntropy.softmax(logits, 1, k, probs);
    return probs;
  }

  private List<Guess> top(float[] probs, int n) {
    Integer[] order = new Integer[probs.length];
    for (int j = 0; j < order.length; j++) order[j] = j;
    Arrays.sort(order, (a, b) -> Float.compare(probs[b], probs[a]));  // stable: ties keep the lower index first
    List<Guess> out = new ArrayList<>();
    for (int j = 0; j < n; j++) out.add(new Guess(order[j], classNames.get(order[j]), probs[order[j]]));
    return out;
  }

  /** The first layer with a bank of 2-D filters (F, C, K, K), drawn one tile per filter; null when there is none. */
  private Filters filters() {
    for (Node node : copy.nodes()) {
      for (Param p : copy.params()) {
        if (p.role() == Role.WEIGHT && p.shape().rank() == 4 && p.name().startsWith(node.name() + ".")) {
          Pictures.Picture pic = Pictures.filters(p.value(), p.shape().dims());
          int[] d = p.shape().dims();
          return new Filters(node.name(), d[0] + " filters of " + d[2] + "x" + d[3] + "x" + d[1], pic.url(), pic.width(),
              pic.height(), pic.shown(), pic.total());
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
