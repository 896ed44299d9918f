package dev.hubel.model;

import dev.hubel.kernel.SoftmaxCrossEntropy;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.op.Input;
import dev.hubel.op.ParamSpec;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A network: the nodes that lead from its input to its output, and their parameters. Build it
 * with {@link Layers}, then {@link #compile} it for a batch size to run it.
 */
public final class Model {
  private final String name;
  private final Node input;
  private final Node output;
  private final List<Node> nodes;          // topological order, input first
  private final List<Param[]> nodeParams;  // parallel to nodes
  private final List<Param> params;
  private Plan predictPlan;
  private Normalization normalization;  // null: the inputs are used as given
  private List<String> classNames;       // null: outputs are known by index only

  private Model(String name, Node input, Node output, List<Node> nodes) {
    this.name = name;
    this.input = input;
    this.output = output;
    this.nodes = List.copyOf(nodes);
    List<Param[]> perNode = new ArrayList<>();
    List<Param> all = new ArrayList<>();
    for (Node node : nodes) {
      List<ParamSpec> specs = node.op().params();
      Param[] ps = new Param[specs.size()];
      for (int i = 0; i < ps.length; i++) {
        ParamSpec s = specs.get(i);
        ps[i] = new Param(node.name() + "." + s.role().key(), s.shape(), s.fanIn(), s.fanOut(), s.role());
        all.add(ps[i]);
      }
      perNode.add(ps);
    }
    this.nodeParams = perNode;
    this.params = Collections.unmodifiableList(all);
  }

  /**
   * The model that computes {@code output} from the input it grew from. Its weights start with
   * He initialisation from seed 0; call {@link #initialize} to choose.
   */
  public static Model of(String name, Node output) {
    Set<Node> seen = new HashSet<>();
    Deque<Node> todo = new ArrayDeque<>(List.of(output));
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (seen.add(n)) todo.addAll(n.inputs());
    }
    List<Node> ordered = new ArrayList<>(seen);
    ordered.sort(Comparator.comparingInt(n -> n.id));
    Node in = ordered.get(0);
    if (!(in.op() instanceof Input)) throw new IllegalStateException("a model must start at an input node");
    Model m = new Model(name, in, output, ordered);
    m.initialize(Init.HE, 0);
    return m;
  }

  /** Draws every weight afresh from {@code seed}; the same seed always gives the same weights. */
  public Model initialize(Init init, long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    for (Param p : params) init.fill(p, root.split());
    return this;
  }

  public String name() {
    return name;
  }

  /** The per-channel normalisation its inputs need (from its training set), or null if none. */
  public Normalization normalization() {
    return normalization;
  }

  public Model setNormalization(Normalization n) {
    if (n != null && inputShape().isVolume() && n.channels() != inputShape().c()) {
      throw new IllegalArgumentException(name + " takes " + inputShape().c() + " input channels; a normalisation for "
          + n.channels() + " does not fit it");
    }
    this.normalization = n;
    return this;
  }

  public Shape inputShape() {
    return input.shape();
  }

  public Shape outputShape() {
    return output.shape();
  }

  /** Nodes from input to output, in the order they run. */
  public List<Node> nodes() {
    return nodes;
  }

  public List<Param> params() {
    return params;
  }

  Param[] paramsOf(int nodeIndex) {
    return nodeParams.get(nodeIndex);
  }

  Node input() {
    return input;
  }

  Node output() {
    return output;
  }

  /** Trainable parameters, as papers and PyTorch count them (BatchNorm's running statistics are not). */
  public long paramCount() {
    long total = 0;
    for (Param p : params) if (p.trainable()) total += p.size();
    return total;
  }

  /** Buffers for batches of up to {@code batch} examples, on the shared worker pool. */
  public Plan compile(int batch) {
    return compile(batch, WorkerPool.shared());
  }

  public Plan compile(int batch, WorkerPool pool) {
    return new Plan(this, batch, pool);
  }

  /** As {@link #compile(int, WorkerPool)}; with {@code inputGrad}, backward also leaves dL/dinput ({@link Plan#inputGrad}). */
  public Plan compile(int batch, WorkerPool pool, boolean inputGrad) {
    return new Plan(this, batch, pool, inputGrad);
  }

  /** The lecture-style table: output volumes, layers in words, parameter counts and how. */
  public String summary() {
    return Summary.of(this);
  }

  /**
   * Class probabilities for one example (C x H x W floats, as the input shape says), as it comes
   * from its dataset: the model's {@link #normalization()} is applied here, as in training.
   */
  public float[] predict(float[] example) {
    if (predictPlan == null) predictPlan = compile(1);
    predictPlan.load(example, inputShape(), 1);
    if (normalization != null) {
      normalization.apply(predictPlan.input(), 1, inputShape().size() / normalization.channels());
    }
    predictPlan.forward(1, false);
    float[] logits = predictPlan.output();
    float[] probs = new float[outputShape().size()];
    SoftmaxCrossEntropy.softmax(logits, 1, probs.length, probs);
    return probs;
  }

  /** What each output means ("T-shirt/top", ...), saved in the model file; null if not given. */
  public List<String> classNames() {
    return classNames;
  }

  public Model setClassNames(List<String> names) {
    if (names != null && names.size() > outputShape().size()) {
      throw new IllegalArgumentException(name + " has " + outputShape().size() + " outputs; " + names.size()
          + " class names do not fit it");
    }
    this.classNames = names == null ? null : List.copyOf(names);
    return this;
  }

  @Override
  public String toString() {
    return name + " (" + inputShape() + " -> " + outputShape() + ", " + paramCount() + " params)";
  }
}
