package dev.hubel.train;

import dev.hubel.data.Batch;
import dev.hubel.data.BatchLoader;
import dev.hubel.data.Dataset;
import dev.hubel.kernel.SoftmaxCrossEntropy;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Several models that predict together by averaging their class probabilities, as AlexNet's seven
 * CNNs cut its error from 18.2% to 15.4%. Members must take the same inputs and predict the same
 * classes; each applies its own normalisation.
 */
public final class Ensemble {
  private final List<String> labels;
  private final List<Model> members;

  private Ensemble(List<String> labels, List<Model> members) {
    this.labels = List.copyOf(labels);
    this.members = List.copyOf(members);
  }

  /** Members called "member 1", "member 2", ... in messages and tables. */
  public static Ensemble of(List<Model> members) {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) labels.add("member " + (i + 1));
    return of(labels, members);
  }

  /**
   * Members with labels of their own (their files' names), parallel to {@code members}. Refuses
   * members that take other inputs or predict other classes than the first, saying which differ
   * and how.
   */
  public static Ensemble of(List<String> labels, List<Model> members) {
    if (members.isEmpty()) throw new IllegalArgumentException("an ensemble needs at least one member");
    if (labels.size() != members.size()) {
      throw new IllegalArgumentException(members.size() + " members need " + members.size() + " labels, received " + labels.size());
    }
    Model first = members.getFirst();
    for (int i = 1; i < members.size(); i++) {
      Model m = members.get(i);
      if (!m.inputShape().equals(first.inputShape())) {
        throw new IllegalArgumentException("ensemble members must take the same inputs: " + labels.getFirst() + " (" + first.name()
            + ") takes [" + first.inputShape() + "], " + labels.get(i) + " (" + m.name() + ") takes [" + m.inputShape() + "]");
      }
      int k = first.outputShape().size();
      if (m.outputShape().size() != k) {
        throw new IllegalArgumentException("ensemble members must predict the same classes: " + labels.getFirst() + " has " + k
            + " classes, " + labels.get(i) + " has " + m.outputShape().size());
      }
      List<String> a = first.classNames(), b = m.classNames();
      if (a != null && b != null) {
        for (int j = 0; j < Math.min(a.size(), b.size()); j++) {
          if (!a.get(j).equals(b.get(j))) {
            throw new IllegalArgumentException("ensemble members must predict the same classes: class " + j + " is '" + a.get(j)
                + "' for " + labels.getFirst() + " but '" + b.get(j) + "' for " + labels.get(i));
          }
        }
      }
    }
    return new Ensemble(labels, members);
  }

  public List<Model> members() {
    return members;
  }

  public List<String> labels() {
    return labels;
  }

  /** The members' class probabilities for one example, averaged. */
  public float[] predict(float[] example) {
    float[] sum = new float[members.getFirst().outputShape().size()];
    for (Model m : members) {
      float[] p = m.predict(example);
      for (int j = 0; j < sum.length; j++) sum[j] += p[j];
    }
    for (int j = 0; j < sum.length; j++) sum[j] /= members.size();
    return sum;
  }

  /**
   * Each member's evaluation on {@code data} and the ensemble's, whose scores are the averaged
   * probabilities (its loss: the mean negative log of the averaged probability of the label).
   */
  public Result evaluate(Dataset data, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, received " + batch);
    for (Model m : members) Trainer.requireFits(m, data);
    int k = members.getFirst().outputShape().size(), n = data.size();
    float[] sum = new float[n * k];
    float[] probs = new float[batch * k];
    List<Evaluation> each = new ArrayList<>();
    String[] names = names(data, k);
    for (Model m : members) {
      Plan plan = m.compile(Math.min(batch, n)).freezeWeights();  // inference only, the weights fixed
      long[][] confusion = new long[k][k];
      long top5 = 0;
      double lossSum = 0;
      int per = m.inputShape().size(), at = 0;
      try (BatchLoader loader = new BatchLoader(data, null, plan.batch()).normalize(m.normalization())) {
        loader.begin(0);
        for (Batch b; (b = loader.next()) != null; ) {
          int count = b.count();
          System.arraycopy(b.images(), 0, plan.input(), 0, count * per);
          plan.forward(count, false);
          lossSum += (double) plan.lossAndGradient(count, b.labels()) * count;
          top5 += Evaluation.tally(plan.output(), count, k, b.labels(), confusion);
          SoftmaxCrossEntropy.softmax(plan.output(), count, k, probs);
          for (int i = 0; i < count * k; i++) sum[at * k + i] += probs[i];
          at += count;
        }
      }
      each.add(Evaluation.of(names, confusion, top5, lossSum));
    }
    for (int i = 0; i < sum.length; i++) sum[i] /= members.size();
    long[][] confusion = new long[k][k];
    int[] labels = data.labels();
    long top5 = Evaluation.tally(sum, n, k, labels, confusion);
    double lossSum = 0;
    for (int r = 0; r < n; r++) lossSum -= Math.log(Math.max(sum[r * k + labels[r]], Float.MIN_VALUE));
    return new Result(labels(), each, Evaluation.of(names, confusion, top5, lossSum));
  }

  private String[] names(Dataset data, int k) {
    List<String> own = members.getFirst().classNames();
    String[] names = new String[k];
    for (int j = 0; j < k; j++) {
      names[j] = own != null && j < own.size() ? own.get(j) : j < data.classNames().length ? data.classNames()[j] : "class " + j;
    }
    return names;
  }

  /**
   * How the members and the ensemble did on the same examples.
   *
   * @param labels the members' labels, parallel to {@code members}
   */
  public record Result(List<String> labels, List<Evaluation> members, Evaluation ensemble) {

    /** Top-1 error of member i: 1 - accuracy. */
    public double memberError(int i) {
      return 1 - members.get(i).accuracy();
    }

    public double ensembleError() {
      return 1 - ensemble.accuracy();
    }

    /** The index of the member with the lowest error (the first of equals). */
    public int bestMember() {
      int best = 0;
      for (int i = 1; i < members.size(); i++) if (memberError(i) < memberError(best)) best = i;
      return best;
    }

    /** One line per member and one for the ensemble: top-1 and top-5 error, as the papers report them. */
    public String render() {
      int width = "ensemble".length();
      for (String l : labels) width = Math.max(width, l.length());
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < members.size(); i++) s.append(line(labels.get(i), members.get(i), width));
      s.append(line("ensemble", ensemble, width));
      double gain = memberError(bestMember()) - ensembleError();
      s.append(String.format(Locale.ROOT, "the ensemble of %d %s the best member (%s)%s%n", members.size(),
          gain > 0 ? "beats" : gain < 0 ? "trails" : "ties with", labels.get(bestMember()),
          gain == 0 ? "" : String.format(Locale.ROOT, " by %.2f points of top-1 error", 100 * Math.abs(gain))));
      return s.toString();
    }

    private static String line(String label, Evaluation e, int width) {
      return String.format(Locale.ROOT, "%-" + width + "s  top-1 error %6.2f%%  top-5 error %6.2f%%  loss %.4f  (%d examples)%n",
          label, 100 * (1 - e.accuracy()), 100 * (1 - e.top5Accuracy()), e.loss(), e.count());
    }
  }
}
