package dev.hubel.train;

import dev.hubel.data.Batch;
import dev.hubel.data.BatchLoader;
import dev.hubel.data.ChannelStatistics;
import dev.hubel.data.Dataset;
import dev.hubel.data.Split;
import dev.hubel.kernel.ParamUpdates;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.tensor.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One training run: a model trained on a dataset as a {@link TrainConfig} says, epoch after epoch,
 * validated on a held-out part after each, reported to its {@link RunListener}s.
 *
 * <p>Everything random is drawn from the config's seed and counters, never from state carried
 * across epochs: the split from the seed, epoch e's order from (seed, e), each example's
 * augmentation from (seed, e, example), random layers from (seed, iteration). So a run resumed
 * after epoch k with the model's weights, the optimiser's state and the iteration it had
 * ({@link #resumeAfter}) trains epochs k+1.. exactly as the uninterrupted run did.
 *
 * <pre>{@code
 * TrainingRun run = new TrainingRun(model, train, cfg)
 *     .listen(ProgressDisplay.forConsole(System.out))
 *     .onEpochEnd(end -> checkpoints.save(end));
 * List<EpochResult> history = run.train();
 * }</pre>
 */
public final class TrainingRun {
  private final Model model;
  private final Dataset data;
  private final TrainConfig cfg;
  private final Split split;
  private final Plan plan;
  private final Optimizer optimizer;
  private final List<RunListener> listeners = new ArrayList<>();
  private final List<EpochResult> history = new ArrayList<>();
  private LearningRateSchedule schedule;
  private TrainingControl control;
  private boolean prefetch = true;
  private boolean divergenceGuard = true;
  private int completed;
  private boolean trained;
  private boolean stoppedEarly;

  /**
   * Splits off the validation examples, sets the model's normalisation from the training examples
   * when the config asks for it and the model has none yet, compiles the model for the batch size
   * and makes the optimiser (its state can be restored through {@link #optimizer()} before training).
   * Refuses settings that watch validation figures (early stopping, a plateau schedule on a
   * validation metric) when no examples are held out.
   */
  public TrainingRun(Model model, Dataset data, TrainConfig cfg) {
    Trainer.requireFits(model, data);
    if (cfg.validationFraction() == 0 && cfg.earlyStopping() > 0) {
      throw new IllegalArgumentException("early stopping watches validation accuracy, but no examples are held out; "
          + "set a validation fraction above 0 (0.1 holds out a tenth)");
    }
    if (cfg.validationFraction() == 0 && cfg.schedule().needsValidation()) {
      throw new IllegalArgumentException("the plateau schedule watches " + cfg.schedule().monitor()
          + ", but no examples are held out; set a validation fraction above 0, or watch train_loss");
    }
    this.model = model;
    this.data = data;
    this.cfg = cfg;
    this.split = Split.of(data.size(), cfg.validationFraction(), cfg.seed());
    if (cfg.normalize() && model.normalization() == null) model.setNormalization(ChannelStatistics.of(data, split.train()));
    cfg.augmentation().requireFits(data.shape(), "dataset " + data.name());
    this.plan = model.compile(cfg.batch());
    plan.setNoiseSeed(cfg.seed());
    plan.setLabelSmoothing(cfg.labelSmoothing());
    this.optimizer = cfg.optimizer().build(model.params());
    this.schedule = LearningRateSchedule.of(cfg);
  }

  /** Replaces the config's schedule. */
  public TrainingRun schedule(LearningRateSchedule s) {
    this.schedule = s;
    return this;
  }

  public TrainingRun listen(RunListener listener) {
    listeners.add(listener);
    return this;
  }

  /** Calls {@code hook} after every epoch: where a checkpoint is saved. */
  public TrainingRun onEpochEnd(Consumer<EpochEnd> hook) {
    return listen(new RunListener() {
      @Override
      public void epochEnded(EpochEnd end) {
        hook.accept(end);
      }
    });
  }

  /** Lets {@code control} pause the run, change its learning rate and run tasks between batches (the dashboard's buttons). */
  public TrainingRun control(TrainingControl control) {
    this.control = control;
    return this;
  }

  /** Batches prepared on a background thread (default) or by the training thread; the results are the same. */
  public TrainingRun prefetch(boolean on) {
    this.prefetch = on;
    return this;
  }

  /**
   * Stops the run with a {@link DivergenceException} at the first step whose loss or gradient is
   * NaN or infinite (default on). It costs one pass over the gradients per step.
   */
  public TrainingRun divergenceGuard(boolean on) {
    this.divergenceGuard = on;
    return this;
  }

  /**
   * Continues a run whose first {@code epochs} epochs are done: restore the model's weights and the
   * optimiser's state ({@link #optimizer()}) first. {@code iteration} is the training steps taken so far
   * ({@link EpochEnd#iteration()}), {@code history} those epochs' results (a schedule may read them;
   * {@link RunFolder#history()} reads them back from metrics.csv).
   */
  public TrainingRun resumeAfter(int epochs, long iteration, List<EpochResult> history) {
    if (epochs < 0 || epochs > cfg.epochs()) {
      throw new IllegalArgumentException("a run of " + cfg.epochs() + " epochs cannot resume after epoch " + epochs);
    }
    if (history.size() != epochs) {
      throw new IllegalArgumentException("resuming after epoch " + epochs + " needs the results of " + epochs
          + " epochs, received " + history.size());
    }
    this.completed = epochs;
    plan.setIteration(iteration);
    this.history.clear();
    this.history.addAll(history);
    return this;
  }

  /** Trains the remaining epochs and returns every epoch's result. Once per run. */
  public List<EpochResult> train() {
    if (trained) throw new IllegalStateException("this run has trained already; start a new TrainingRun");
    trained = true;
    BatchLoader batches = new BatchLoader(data, split.train(), cfg.batch())
        .shuffle(cfg.seed()).augment(cfg.augmentation()).normalize(model.normalization()).prefetch(prefetch);
    BatchLoader held = split.validation().length == 0 ? null
        : new BatchLoader(data, split.validation(), cfg.batch()).normalize(model.normalization()).prefetch(prefetch);
    try {
      for (RunListener l : listeners) l.runStarted(this);
      BatchProgress progress = new BatchProgress();
      stoppedEarly = EarlyStopping.due(history, cfg.earlyStopping());
      for (int epoch = completed + 1; epoch <= cfg.epochs() && !stoppedEarly; epoch++) {
        Evaluation validation = epoch(epoch, batches, held, progress);
        completed = epoch;
        EpochEnd done = new EpochEnd(history.getLast(), model, optimizer, plan.iteration(), List.copyOf(history), validation);
        for (RunListener l : listeners) l.epochEnded(done);
        stoppedEarly = EarlyStopping.due(history, cfg.earlyStopping());
      }
      List<EpochResult> all = List.copyOf(history);
      for (RunListener l : listeners) l.runEnded(all);
      return all;
    } finally {
      batches.close();
      if (held != null) held.close();
    }
  }

  /** Trains one epoch, validates, adds its result to the history; returns the validation (null if none). */
  private Evaluation epoch(int epoch, BatchLoader batches, BatchLoader held, BatchProgress p) {
    List<EpochResult> before = List.copyOf(history);
    int steps = batches.batches();
    float lr = schedule.learningRate(epoch, before);
    boolean perStep = schedule.perStep();
    optimizer.setLearningRate(lr);
    List<Param> params = optimizer.params();
    boolean measure = divergenceGuard || cfg.clipNorm() > 0;
    int per = data.shape().size();
    p.epoch = epoch;
    p.epochs = cfg.epochs();
    p.batch = 0;
    p.batches = batches.batches();
    p.images = 0;
    p.imagesInEpoch = batches.size();
    p.lossSum = 0;
    p.correct = 0;
    p.startNanos = System.nanoTime();
    batches.begin(epoch);
    for (Batch b; (b = batches.next()) != null; ) {
      int n = b.count();
      System.arraycopy(b.images(), 0, plan.input(), 0, n * per);
      if (perStep) {
        lr = schedule.learningRate(epoch, p.batch, steps, before);
        optimizer.setLearningRate(lr);
      }
      if (control != null) control.beforeBatch(this, p);  // after the schedule: a rate set from the page wins
      float loss = plan.trainStep(n, b.labels());
      if (divergenceGuard && !Float.isFinite(loss)) throw diverged(epoch, p.batch + 1, steps, n, "the loss is " + loss, lr, true);
      if (measure) {
        double norm = GradientNorm.of(params);
        if (divergenceGuard && !Double.isFinite(norm)) {
          throw diverged(epoch, p.batch + 1, steps, n, "the loss is " + loss + " but the gradient is not finite", lr, false);
        }
        if (cfg.clipNorm() > 0) GradientNorm.clip(params, cfg.clipNorm(), norm);
      }
      optimizer.step();
      p.lossSum += (double) loss * n;
      p.correct += plan.lastCorrect();
      p.images += n;
      p.batch++;
      p.nowNanos = System.nanoTime();
      for (int i = 0; i < listeners.size(); i++) listeners.get(i).batchEnded(p);  // indexed: an iterator would allocate every step
    }
    long trainedNanos = System.nanoTime() - p.startNanos;
    Evaluation validation = held == null ? null : Evaluation.run(plan, held, data.classNames());
    double seconds = (System.nanoTime() - p.startNanos) / 1e9;
    EpochResult r = new EpochResult(epoch, cfg.epochs(), p.loss(), p.accuracy(),
        validation == null ? Double.NaN : validation.loss(), validation == null ? Double.NaN : validation.accuracy(),
        optimizer.learningRate(), p.images / (trainedNanos / 1e9), seconds);  // the control's rate, if it set one
    history.add(r);
    return validation;
  }

  /** Where a step went non-finite: the first parameter whose values already are, else the first layer's output or gradient. */
  private DivergenceException diverged(int epoch, int batch, int batches, int n, String what, float lr, boolean forward) {
    String where = null;
    for (Param q : model.params()) {
      if (ParamUpdates.anyNonFinite(q.value(), q.size())) {
        where = q.name() + " (its values, from an earlier step)";
        break;
      }
    }
    if (where == null) where = forward ? plan.firstNonFiniteOutput(n) : plan.firstNonFiniteGradient(n);
    if (where == null) where = "the loss";
    return new DivergenceException(plan.iteration(), epoch, batch, batches, where, what, lr);
  }

  /** Evaluation on the held-out examples with the model as it is now; null when none are held out. */
  public Evaluation validate() {
    if (split.validation().length == 0) return null;
    return Evaluation.of(model, data, split.validation(), cfg.batch());
  }

  public Model model() {
    return model;
  }

  public Dataset data() {
    return data;
  }

  public TrainConfig config() {
    return cfg;
  }

  /** Which examples train and which validate. */
  public Split split() {
    return split;
  }

  /** The optimiser: restore its state here before {@link #train()} when resuming. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The optimiser when it is SGD (the default); refuses another, which {@link #optimizer()} gives. */
  public Sgd sgd() {
    if (optimizer instanceof Sgd s) return s;
    throw new IllegalStateException("this run's optimiser is " + optimizer.config().kind() + ", not SGD; use optimizer()");
  }

  /** Whether the run ended before its last epoch because validation accuracy stopped improving (early stopping). */
  public boolean stoppedEarly() {
    return stoppedEarly;
  }

  /** Epochs done (resumed ones included). */
  public int completedEpochs() {
    return completed;
  }

  /** Training steps taken so far. */
  public long iteration() {
    return plan.iteration();
  }
}
