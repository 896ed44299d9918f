package dev.hubel.train;

import dev.hubel.data.Batch;
import dev.hubel.data.BatchLoader;
import dev.hubel.data.Dataset;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import java.util.Locale;

/**
 * How a model does on a set of labelled examples: accuracy, top-5 accuracy, mean loss, accuracy
 * per class and the confusion matrix (rows: true class, columns: predicted class). The inputs get
 * the model's normalisation, as in training.
 */
public final class Evaluation {
  /** Above this many classes {@link #render()} lists per-class accuracy without the matrix, which would not fit a screen. */
  public static final int MATRIX_MAX_CLASSES = 20;

  private final String[] classNames;
  private final long[][] confusion;
  private final long count;
  private final long top5;
  private final double lossSum;

  private Evaluation(String[] classNames, long[][] confusion, long count, long top5, double lossSum) {
    this.classNames = classNames;
    this.confusion = confusion;
    this.count = count;
    this.top5 = top5;
    this.lossSum = lossSum;
  }

  /** Every example of {@code data}, run {@code batch} at a time. */
  public static Evaluation of(Model model, Dataset data, int batch) {
    return of(model, data, null, batch);
  }

  /** The examples of {@code data} listed (null: all). */
  public static Evaluation of(Model model, Dataset data, int[] examples, int batch) {
    Trainer.requireFits(model, data);
    if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, received " + batch);
    int n = examples == null ? data.size() : examples.length;
    // its own plan, which only runs inference over data, while nothing changes the weights
    Plan plan = model.compile(Math.max(1, Math.min(batch, n))).freezeWeights();
    try (BatchLoader loader = new BatchLoader(data, examples, plan.batch()).normalize(model.normalization())) {
      return run(plan, loader, data.classNames());
    }
  }

  /** Runs {@code loader}'s batches (epoch 0) through {@code plan}'s forward pass, inference mode. */
  static Evaluation run(Plan plan, BatchLoader loader, String[] dataClassNames) {
    int k = plan.model().outputShape().size();
    long[][] confusion = new long[k][k];
    long count = 0, top5 = 0;
    double lossSum = 0;
    int per = plan.model().inputShape().size();
    loader.begin(0);
    for (Batch b; (b = loader.next()) != null; ) {
      int n = b.count();
      System.arraycopy(b.images(), 0, plan.input(), 0, n * per);
      plan.forward(n, false);
      lossSum += (double) plan.lossAndGradient(n, b.labels()) * n;
      top5 += tally(plan.output(), n, k, b.labels(), confusion);
      count += n;
    }
    String[] names = new String[k];
    for (int j = 0; j < k; j++) names[j] = j < dataClassNames.length ? dataClassNames[j] : "class " + j;
    return new Evaluation(names, confusion, count, top5, lossSum);
  }

  /**
   * Counts n rows of logits (n, k) into {@code confusion} by their top-scoring class; returns how
   * many have their label among the top five. Ties rank by index, as argmax does.
   */
  static int tally(float[] logits, int n, int k, int[] labels, long[][] confusion) {
    int top5 = 0;
    for (int r = 0; r < n; r++) {
      int label = labels[r], best = 0, above = 0;
      float mine = logits[r * k + label];
      for (int j = 0; j < k; j++) {
        float v = logits[r * k + j];
        if (v > logits[r * k + best]) best = j;
        if (v > mine || (v == mine && j < label)) above++;
      }
      confusion[label][best]++;
      if (above < 5) top5++;
    }
    return top5;
  }

  /** From counts made elsewhere (tests, a distributed evaluation adding up its parts). */
  static Evaluation of(String[] classNames, long[][] confusion, long top5, double lossSum) {
    long count = 0;
    for (long[] row : confusion) for (long v : row) count += v;
    return new Evaluation(classNames.clone(), confusion, count, top5, lossSum);
  }

  /** Examples evaluated. */
  public long count() {
    return count;
  }

  /** Fraction whose top-scoring class is the label. */
  public double accuracy() {
    long right = 0;
    for (int j = 0; j < confusion.length; j++) right += confusion[j][j];
    return (double) right / count;
  }

  /** Fraction whose label is among the five top-scoring classes (all of them, with five classes or fewer). */
  public double top5Accuracy() {
    return (double) top5 / count;
  }

  /** Mean softmax cross-entropy loss. */
  public double loss() {
    return lossSum / count;
  }

  /** Accuracy on the examples of each class; NaN for a class with none. */
  public double[] perClassAccuracy() {
    double[] acc = new double[confusion.length];
    for (int j = 0; j < acc.length; j++) {
      long total = 0;
      for (long v : confusion[j]) total += v;
      acc[j] = total == 0 ? Double.NaN : (double) confusion[j][j] / total;
    }
    return acc;
  }

  /** [true class][predicted class] counts. A copy. */
  public long[][] confusion() {
    long[][] copy = new long[confusion.length][];
    for (int j = 0; j < copy.length; j++) copy[j] = confusion[j].clone();
    return copy;
  }

  public String[] classNames() {
    return classNames.clone();
  }

  /**
   * The figures as text for a terminal: totals, then one row per true class, labelled with its
   * index and name, giving its accuracy and (up to {@link #MATRIX_MAX_CLASSES} classes) how its
   * examples were classified, one column per predicted class.
   */
  public String render() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "accuracy %.2f%% (%,d of %,d)   top-5 %.2f%%   loss %.4f%n",
        100 * accuracy(), Math.round(accuracy() * count), count, 100 * top5Accuracy(), loss()));
    int k = classNames.length;
    String[] labels = new String[k];
    int labelWidth = "class".length();
    for (int j = 0; j < k; j++) {
      labels[j] = j + " " + classNames[j];
      labelWidth = Math.max(labelWidth, labels[j].length());
    }
    boolean matrix = k <= MATRIX_MAX_CLASSES;
    long most = 0;
    for (long[] row : confusion) for (long v : row) most = Math.max(most, v);
    int cell = Math.max(Long.toString(most).length(), Integer.toString(k - 1).length()) + 2;
    s.append('\n').append(matrix ? "rows: true class; columns: predicted class\n" : "");
    s.append(pad("class", -labelWidth)).append(pad("accuracy", 10));
    if (matrix) for (int j = 0; j < k; j++) s.append(pad(Integer.toString(j), cell));
    else s.append(pad("right", 10)).append(pad("of", 10));
    s.append('\n');
    double[] acc = perClassAccuracy();
    for (int j = 0; j < k; j++) {
      s.append(pad(labels[j], -labelWidth));
      s.append(pad(Double.isNaN(acc[j]) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * acc[j]), 10));
      if (matrix) {
        for (int p = 0; p < k; p++) s.append(pad(Long.toString(confusion[j][p]), cell));
      } else {
        long total = 0;
        for (long v : confusion[j]) total += v;
        s.append(pad(String.format(Locale.ROOT, "%,d", confusion[j][j]), 10)).append(pad(String.format(Locale.ROOT, "%,d", total), 10));
      }
      s.append('\n');
    }
    return s.toString();
  }

  /** Right-aligned in {@code width} columns, or left-aligned for a negative width. */
  private static String pad(String text, int width) {
    return String.format("%" + width + "s", text);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "accuracy %.2f%%, top-5 %.2f%%, loss %.4f on %,d examples",
        100 * accuracy(), 100 * top5Accuracy(), loss(), count);
  }
}
