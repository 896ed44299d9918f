package dev.hubel.ui;

import dev.hubel.data.Dataset;
import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import dev.hubel.model.Plan;
import dev.hubel.train.RunListener;
import dev.hubel.train.TrainingControl;
import dev.hubel.train.TrainingRun;
import dev.hubel.ui.Views.Confusion;
import dev.hubel.ui.Views.Inspection;
import dev.hubel.ui.Views.Prediction;
import dev.hubel.ui.Views.Run;
import dev.hubel.ui.Views.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * A live page for a training run, served on this machine: curves, speed and time left, the layer
 * table, activations, first-layer filters, predictions on examples, the confusion matrix, and
 * buttons to pause, change the learning rate, save the model, and try it on a drawn or dropped
 * image.
 *
 * <pre>{@code
 * try (Dashboard ui = Dashboard.start(0)) {           // 0: any free port; 127.0.0.1 only
 *   System.out.println("watch it learn: " + ui.url());
 *   ui.runFolder(folder.dir()).testSet(test);         // optional: title, save folder, example images
 *   ui.attach(new TrainingRun(model, train, cfg)).train();
 * }
 * }</pre>
 *
 * Training never waits for a page: each page has its own bounded queue, and the pictures are
 * computed from a copy of the weights on another thread. {@link #close} resumes a paused run.
 */
public final class Dashboard implements AutoCloseable {
  /** Learning rates set from the page above this are refused as typing mistakes. */
  public static final double MAX_LEARNING_RATE = 10;
  static final long PROGRESS_INTERVAL_NANOS = 200_000_000L;
  private static final long SAVE_WAIT_NANOS = 60_000_000_000L;

  private final PageState state = new PageState();
  private final Pages pages = new Pages();
  private final TrainingControl control = new TrainingControl();
  private final TrainingFeed feed;
  private final WebServer server;
  private final InetAddress address;
  private final Semaphore predictions = new Semaphore(2);
  private volatile Inspector inspector;
  private volatile Dataset testSet;
  private volatile Path saveDir = Path.of(".");
  private volatile String title;
  private volatile SavedRun saved;
  private volatile long generation;

  private Dashboard(InetAddress address, int port, long progressNanos) {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 (any free one) to 65535, received " + port);
    this.address = address;
    this.feed = new TrainingFeed(this, progressNanos);
    this.server = new WebServer(this, address, port);
  }

  /** Serves the page on 127.0.0.1 at {@code port} (0: any free port, see {@link #url}). */
  public static Dashboard start(int port) {
    return start(loopback(), port);
  }

  /** Serves on {@code address}: anyone who can reach it can pause the run, so choose a non-loopback one knowingly. */
  public static Dashboard start(InetAddress address, int port) {
    return new Dashboard(address, port, PROGRESS_INTERVAL_NANOS);
  }

  static Dashboard start(int port, long progressNanos) {
    return new Dashboard(loopback(), port, progressNanos);
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The page of a run that has ended, read from its folder ({@code runs/<name>/}): its curves
   * from metrics.csv, and when the folder holds {@code model.safetensors} the layer table,
   * filters and "try the model". Give {@link #testSet} for example predictions and the
   * confusion matrix.
   */
  public static Dashboard forRunFolder(Path runDir, int port) {
    SavedRun run = SavedRun.read(runDir);
    Dashboard d = start(port);
    d.saved = run;
    d.title = run.name();
    d.saveDir = runDir;
    d.state.epochs(run.epochs());
    Model model = run.model();
    int epochs = run.epochs().isEmpty() ? 0 : run.epochs().getLast().epoch();
    String where = run.modelFile() != null ? "model " + run.modelFile()
        : "no " + SavedRun.MODEL_FILE + " in " + runDir + ", so no layers, filters or predictions";
    d.state.status(new Status("saved", epochs, run.integer("config", "epochs") == null ? epochs : run.integer("config", "epochs"),
        0, 0, 0, run.epochs().isEmpty() ? null : run.epochs().getLast().imagesPerSecond(), null,
        run.epochs().isEmpty() ? null : run.epochs().getLast().learningRate(), "a saved run: " + where));
    if (model == null) {
      d.state.run(new Run(run.name(), run.text("model"), run.integer("parameters") == null ? 0 : run.integer("parameters"),
          run.text("input"), run.text("data", "name"), run.classes(), run.integer("config", "epochs"),
          run.integer("config", "batch"), runDir.toString(), false), List.of());
    } else {
      d.show(model, true, null, Views.classNames(model, run.classes() == null ? null : run.classes().toArray(String[]::new)),
          run.text("data", "name"), run.integer("config", "epochs"), run.integer("config", "batch"), false);
      d.inspector.inspectNow(0, epochs);
    }
    return d;
  }

  /**
   * Examples to show predictions for, and to count into the confusion matrix (the first
   * {@value Inspector#CONFUSION_MAX}), as the dataset holds them (the model's normalisation is
   * applied here). Without it a live run shows its validation examples, or its training ones.
   */
  public Dashboard testSet(Dataset test) {
    this.testSet = test;
    SavedRun run = saved;
    if (run != null && run.model() != null) {
      Plan.requireInputShape(run.model(), test.shape(), "the test set");
      Inspector.Examples ex = new Inspector.Examples(test, IntStream.range(0, Math.min(test.size(), Inspector.CONFUSION_MAX)).toArray(), "test");
      show(run.model(), true, ex, state.run().classes(), state.run().dataset(), state.run().epochs(), state.run().batch(), false);
      int epochs = run.epochs().isEmpty() ? 0 : run.epochs().getLast().epoch();
      inspector.inspectNow(0, epochs);
    }
    return this;
  }

  /** The run's folder: its name titles the page, and "save model now" writes there ({@code model-step<N>.safetensors}). */
  public Dashboard runFolder(Path dir) {
    this.saveDir = dir;
    Path abs = dir.toAbsolutePath().normalize();
    this.title = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
    return this;
  }

  /** Listens to {@code run} and lets the page steer it: {@code run.listen(listener()).control(control())}. */
  public TrainingRun attach(TrainingRun run) {
    return run.listen(feed).control(control);
  }

  /** What follows the run; add it with {@link TrainingRun#listen} (or use {@link #attach}). */
  public RunListener listener() {
    return feed;
  }

  /** What the page's buttons act on; give it to {@link TrainingRun#control} (or use {@link #attach}). */
  public TrainingControl control() {
    return control;
  }

  /** Where the page is, e.g. {@code http://127.0.0.1:8080/}. */
  public URI url() {
    String host = address.getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  public int port() {
    return server.port();
  }

  /**
   * Opens the page in the desktop's browser when there is one (a display and {@code xdg-open}, or
   * Java's Desktop); returns whether it tried. Never waits for the browser.
   */
  public boolean openInBrowser() {
    boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
    try {
      if (display && Files.isExecutable(Path.of("/usr/bin/xdg-open"))) {
        new ProcessBuilder("/usr/bin/xdg-open", url().toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return true;
      }
      if (!java.awt.GraphicsEnvironment.isHeadless() && java.awt.Desktop.isDesktopSupported()
          && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
        java.awt.Desktop.getDesktop().browse(url());
        return true;
      }
    } catch (IOException | RuntimeException e) {
      return false;  // no browser: the URL is printed anyway
    }
    return false;
  }

  /** Stops serving; a run paused from the page is resumed, so that it is never left waiting. */
  @Override
  public void close() {
    control.resume();
    pages.closeAll();
    server.close();
    Inspector i = inspector;
    if (i != null) i.close();
  }

  // What the feed, the server and the inspector share.

  PageState state() {
    return state;
  }

  Pages pages() {
    return pages;
  }

  Inspector inspector() {
    return inspector;
  }

  Dataset testSet() {
    return testSet;
  }

  void show(Model model, boolean own, Inspector.Examples examples, List<String> classes, String dataset, Integer epochs,
            Integer batch, boolean live) {
    Inspector old = inspector;
    long mine = ++generation;  // a replaced inspector's late results must not cover the new one's
    inspector = new Inspector(model, own, examples, classes, i -> {
      if (generation == mine) inspection(i);
    }, c -> {
      if (generation == mine) confusion(c);
    });
    if (old != null) old.close();
    String name = title != null ? title : model.name();
    state.run(new Run(name, model.name(), model.paramCount(), model.inputShape().toString(), dataset, classes, epochs, batch,
        saveDir.toString(), live), Views.layers(model));
  }

  void status(Status s) {
    state.status(s);
    pages.push("status", PageState.json(s));
  }

  private void status(String phase, String message) {
    Status o = state.status();
    status(new Status(phase, o.epoch(), o.epochs(), o.batch(), o.batches(), o.step(), o.imagesPerSecond(), o.secondsLeft(),
        Float.isNaN(control.learningRate()) ? o.learningRate() : Double.valueOf(control.learningRate()), message));
  }

  private void inspection(Inspection i) {
    state.inspection(PageState.json(i));
    pages.due("inspection");
  }

  void confusion(Confusion c) {
    state.confusion(PageState.json(c));
    pages.due("confusion");
  }

  /** Whether a run is training now (started, not ended): what the controls act on. */
  boolean live() {
    return feed.live();
  }

  void wantInspection() {
    Inspector i = inspector;
    if (i != null && feed.live()) i.want(false);
  }

  private void requireLive(String action) {
    if (feed.live()) return;
    String why = saved != null ? "this page shows a saved run"
        : feed.finished() ? "training has finished" : "training has not started yet";
    throw new Refusal(409, why + ": there is nothing to " + action);
  }

  String pause() {
    requireLive("pause");
    control.pause();
    status("paused", "pausing after the batch under way");
    try {
      control.betweenBatches(run -> {  // runs once the pause has taken hold: the page gets the exact step
        Status o = state.status();
        status(new Status("paused", o.epoch(), o.epochs(), o.batch(), o.batches(), run.iteration(), o.imagesPerSecond(),
            o.secondsLeft(), o.learningRate(), "paused at step " + run.iteration()));
        return null;
      });
    } catch (IllegalStateException busy) {
      // requests are queued already; the progress updates will carry the step
    }
    return "paused";
  }

  String resume() {
    requireLive("resume");
    control.resume();
    status("training", "resumed");
    return "resumed";
  }

  String setLearningRate(float lr) {
    requireLive("change");
    control.setLearningRate(lr);
    String message = "learning rate " + lr + " from the next batch on";
    status(control.isPaused() ? "paused" : "training", message);
    return message;
  }

  /** Saves the model as it is between two batches; after the run, as it ended. */
  String saveNow() {
    if (saved != null) {
      throw new Refusal(409, "this page shows a saved run" + (saved.modelFile() == null ? " without a model file" : "; its model is " + saved.modelFile()));
    }
    TrainingRun run = feed.run();
    if (run == null) throw new Refusal(409, "training has not started yet: there is no model to save");
    Path file;
    if (feed.finished()) {
      file = save(run);
    } else {
      CompletableFuture<Path> f;
      try {
        f = control.betweenBatches(this::save);
      } catch (IllegalStateException busy) {
        throw new Refusal(503, busy.getMessage());
      }
      file = await(f, run);
    }
    String message = "saved " + file;
    status(state.status().phase(), message);
    return message;
  }

  private Path await(CompletableFuture<Path> f, TrainingRun run) {
    long end = System.nanoTime() + SAVE_WAIT_NANOS;
    while (System.nanoTime() < end) {
      try {
        return f.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (feed.finished() && !f.isDone()) return save(run);  // the run ended before the next batch
      } catch (ExecutionException e) {
        throw new Refusal(500, "saving failed: " + e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Refusal(503, "interrupted while waiting for the training thread");
      }
    }
    throw new Refusal(503, "the training thread did not reach the end of its batch within a minute; the model was not saved");
  }

  private synchronized Path save(TrainingRun run) {
    Model model = run.model();
    String[] names = run.data().classNames();
    if (model.classNames() == null && names.length == model.outputShape().size()) model.setClassNames(List.of(names));
    Path file = saveDir.resolve("model-step" + run.iteration() + ".safetensors");
    try {
      Files.createDirectories(saveDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + saveDir + ": " + e.getMessage(), e);
    }
    ModelFile.save(model, file);
    return file;
  }

  Prediction predict(byte[] image) {
    Inspector i = inspector;
    if (i == null) {
      throw new Refusal(409, saved != null ? "this saved run has no " + SavedRun.MODEL_FILE + " to try"
          : "training has not started yet: there is no model to try");
    }
    float[] pixels = Uploads.image(image, i.inputShape());
    if (!predictions.tryAcquire()) throw new Refusal(503, "two predictions are running already; try again in a moment");
    try {
      return i.predict(pixels);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refusal(503, "interrupted while predicting");
    } catch (IllegalStateException busy) {
      throw new Refusal(503, busy.getMessage());
    } finally {
      predictions.release();
    }
  }
}
