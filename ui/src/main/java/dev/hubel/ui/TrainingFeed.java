package dev.hubel.ui;

import dev.hubel.data.Dataset;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.train.BatchProgress;
import dev.hubel.train.EpochEnd;
import dev.hubel.train.EpochResult;
import dev.hubel.train.RunListener;
import dev.hubel.train.TrainingRun;
import dev.hubel.ui.Views.Point;
import dev.hubel.ui.Views.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The dashboard's ear on a training run. On the training thread it does only cheap things: a
 * progress point every {@code interval} (a few hundred bytes of JSON, queued for each page
 * without waiting), and now and then a copy of the weights for the {@link Inspector}. Nothing
 * here waits for a page.
 */
final class TrainingFeed implements RunListener {
  private final Dashboard board;
  private final long intervalNanos;
  private volatile TrainingRun run;
  private volatile boolean finished;
  private volatile boolean confusionFromValidation;
  private long nextProgress;
  private int lastEpoch;
  private long lastImages;
  private double lastLossSum;
  private double lastCorrect;

  TrainingFeed(Dashboard board, long intervalNanos) {
    this.board = board;
    this.intervalNanos = intervalNanos;
  }

  TrainingRun run() {
    return run;
  }

  /** Whether the run attached has ended (false before it starts). */
  boolean finished() {
    return finished;
  }

  /** Whether a run is training now: started, not ended. */
  boolean live() {
    return run != null && !finished;
  }

  @Override
  public void runStarted(TrainingRun r) {
    Model model = r.model();
    List<String> classes = Views.classNames(model, r.data().classNames());
    String note = null;
    Inspector.Examples examples;
    Dataset test = board.testSet();
    if (test != null && fits(model, test)) {
      examples = new Inspector.Examples(test, IntStream.range(0, Math.min(test.size(), Inspector.CONFUSION_MAX)).toArray(), "test");
    } else {
      if (test != null) note = "the test set given does not fit " + model.name() + "; showing the run's own examples";
      int[] held = r.split().validation();
      examples = held.length > 0 ? new Inspector.Examples(r.data(), held, "validation")
          : new Inspector.Examples(r.data(), prefix(r.split().train(), Inspector.CONFUSION_MAX), "training");
    }
    confusionFromValidation = examples.source().equals("validation");
    board.show(model, false, examples, classes, r.data().name(), r.config().epochs(), r.config().batch(), true);
    lastEpoch = 0;
    nextProgress = 0;
    Status s = new Status(board.control().isPaused() ? "paused" : "training", r.completedEpochs() + 1, r.config().epochs(), 0, 0,
        r.iteration(), null, null, (double) r.optimizer().learningRate(), note);
    board.state().status(s);
    this.finished = false;
    this.run = r;
    board.pages().resync();
    board.inspector().maybeInspect(model, r.iteration(), s.epoch(), true);
  }

  private static boolean fits(Model model, Dataset test) {
    try {
      Plan.requireInputShape(model, test.shape(), "the test set");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static int[] prefix(int[] idx, int n) {
    return java.util.Arrays.copyOf(idx, Math.min(n, idx.length));
  }

  @Override
  public void batchEnded(BatchProgress p) {
    TrainingRun r = run;
    long now = System.nanoTime();
    if (now >= nextProgress) {
      nextProgress = now + intervalNanos;
      progress(r, p);
    }
    board.inspector().maybeInspect(r.model(), r.iteration(), p.epoch(), board.pages().any());
  }

  private void progress(TrainingRun r, BatchProgress p) {
    if (p.epoch() != lastEpoch) {
      lastEpoch = p.epoch();
      lastImages = 0;
      lastLossSum = 0;
      lastCorrect = 0;
    }
    double lossSum = p.loss() * p.images(), correct = p.accuracy() * p.images();
    long images = p.images() - lastImages;
    Double loss = images > 0 ? Views.number((lossSum - lastLossSum) / images) : null;
    Double accuracy = images > 0 ? Views.number((correct - lastCorrect) / images) : null;
    lastImages = p.images();
    lastLossSum = lossSum;
    lastCorrect = correct;
    Point point = new Point(r.iteration(), p.epoch() - 1 + (double) p.batch() / p.batches(), loss, accuracy);
    double ips = p.imagesPerSecond();
    long remaining = (p.imagesInEpoch() - p.images()) + (long) (p.epochs() - p.epoch()) * p.imagesInEpoch();
    Status s = new Status(board.control().isPaused() ? "paused" : "training", p.epoch(), p.epochs(), p.batch(), p.batches(),
        r.iteration(), ips > 0 ? ips : null, ips > 0 ? remaining / ips : null, (double) r.optimizer().learningRate(),
        board.state().status().message());
    board.state().point(point);
    board.state().status(s);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("point", point);
    event.put("status", s);
    board.pages().push("progress", PageState.json(event));
  }

  @Override
  public void epochEnded(EpochEnd end) {
    EpochResult r = end.result();
    Views.Epoch e = Views.epoch(r);
    board.state().epoch(e);
    Status old = board.state().status();
    Status s = new Status(old.phase(), r.epoch(), r.epochs(), old.batches(), old.batches(), end.iteration(), Views.number(r.imagesPerSecond()),
        old.secondsLeft(), (double) end.optimizer().learningRate(), old.message());
    board.state().status(s);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("epoch", e);
    event.put("status", s);
    board.pages().push("epoch", PageState.json(event));
    if (confusionFromValidation && end.validation() != null) {
      var v = end.validation();
      board.confusion(new Views.Confusion("validation", v.count(), r.epoch(), List.of(v.classNames()), v.confusion(), v.accuracy()));
      board.inspector().want(false);
    } else {
      board.inspector().want(true);
    }
  }

  @Override
  public void runEnded(List<EpochResult> history) {
    TrainingRun r = run;
    finished = true;
    Status old = board.state().status();
    Status s = new Status("finished", old.epoch(), old.epochs(), old.batches(), old.batches(), r.iteration(), old.imagesPerSecond(), 0.0,
        old.learningRate(), "training has finished");
    board.status(s);
    int epochs = history.isEmpty() ? 0 : history.getLast().epoch();
    board.inspector().finalInspection(r.model(), r.iteration(), epochs, !confusionFromValidation);
  }
}
