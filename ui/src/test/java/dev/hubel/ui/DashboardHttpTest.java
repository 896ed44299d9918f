package dev.hubel.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hubel.data.Dataset;
import dev.hubel.io.ModelFile;
import dev.hubel.model.Model;
import dev.hubel.train.EpochResult;
import dev.hubel.train.RunFolder;
import dev.hubel.train.RunListener;
import dev.hubel.train.TrainingRun;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The dashboard over plain HTTP: routes, refusals, controls, uploads, and pages that do not keep up. */
@Timeout(120)
class DashboardHttpTest {
  private static final Dataset DATA = Fixtures.quadrants(480, 1);
  private Dashboard board;

  @AfterEach
  void close() {
    if (board != null) board.close();
  }

  private static JsonNode json(String s) throws Exception {
    return PageState.JSON.readTree(s);
  }

  /** A run of {@code epochs} on the fixture data, attached to the board, training on another thread. */
  private CompletableFuture<List<EpochResult>> train(int epochs, TrainingRun[] out) {
    TrainingRun run = board.attach(new TrainingRun(Fixtures.lenet(), DATA, Fixtures.config(epochs)));
    if (out != null) out[0] = run;
    return CompletableFuture.supplyAsync(run::train);
  }

  @Test
  void servesThePageAndItsScriptsFromTheJarOnLoopback() throws Exception {
    board = Dashboard.start(0);
    assertThat(board.url().toString()).matches("http://127\\.0\\.0\\.1:\\d+/");
    Http.Answer page = Http.get(board, "/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<canvas id=\"draw\"").contains("src=\"/webjars/uplot/uPlot.iife.min.js\"")
        .doesNotContain("https://").doesNotContain("http://");
    assertThat(Http.get(board, "/webjars/uplot/uPlot.iife.min.js").body()).contains("uPlot");
    assertThat(Http.get(board, "/webjars/uplot/uPlot.min.css").status()).isEqualTo(200);
    assertThat(Http.get(board, "/app.js").body()).contains("new EventSource('/api/events')").doesNotContain("https://");
    assertThat(Http.get(board, "/app.css").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nothing", "/api", "/api/", "/api/unknown", "/index.html", "/webjars/uplot/uPlot.esm.js",
      "/app.js/x", "/%2e%2e/pom.xml"})
  void unknownRoutesGet404(String path) throws Exception {
    board = Dashboard.start(0);
    Http.Answer a = Http.get(board, path);
    assertThat(a.status()).isEqualTo(404);
    assertThat(json(a.body()).get("error").asText()).startsWith("no page or API at ").endsWith("; the dashboard is at /");
  }

  @ParameterizedTest
  @CsvSource({"GET, /api/pause, POST", "GET, /api/predict, POST", "POST, /api/state, GET", "POST, /, GET", "DELETE, /api/events, GET"})
  void aKnownRouteRefusesOtherMethods(String method, String path, String allowed) throws Exception {
    board = Dashboard.start(0);
    Http.Answer a = Http.send(java.net.http.HttpRequest.newBuilder(board.url().resolve(path))
        .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    assertThat(a.status()).isEqualTo(405);
    assertThat(a.headers().firstValue("Allow")).hasValue(allowed);
    assertThat(json(a.body()).get("error").asText()).isEqualTo(method + " is not allowed here; use " + allowed);
  }

  @Test
  void refusesAForeignHostAndPostsFromAnotherOrigin() throws Exception {
    board = Dashboard.start(0);
    String foreign = Http.raw(board, "GET /api/state HTTP/1.1\r\nHost: evil.example:" + board.port() + "\r\nConnection: close\r\n\r\n");
    assertThat(foreign).startsWith("HTTP/1.1 403").contains("this dashboard answers to 127.0.0.1:" + board.port());
    String local = Http.raw(board, "GET /api/state HTTP/1.1\r\nHost: localhost:" + board.port() + "\r\nConnection: close\r\n\r\n");
    assertThat(local).startsWith("HTTP/1.1 200");
    TrainingRun[] run = new TrainingRun[1];
    board.control().pause();  // hold the run at its first batch, so it is live and nothing moves
    CompletableFuture<List<EpochResult>> done = train(1, run);
    waitFor(board::live);
    String crossSite = Http.raw(board, "POST /api/learning-rate HTTP/1.1\r\nHost: 127.0.0.1:" + board.port()
        + "\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nContent-Length: 21\r\nConnection: close\r\n\r\n"
        + "{\"learningRate\": 0.5}");
    assertThat(crossSite).startsWith("HTTP/1.1 403").contains("controls are taken from the dashboard's own page only, not from http://evil.example");
    assertThat(board.control().learningRate()).isNaN();
    board.control().resume();
    assertThat(done.get(60, TimeUnit.SECONDS).getLast().learningRate()).isEqualTo(0.01f);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "text body          | text/plain       | 0.5                        | 415 | the learning rate comes as JSON, not text/plain; send {\"learningRate\": 0.01} as application/json",
      "no content type    |                  | 0.5                        | 415 | the learning rate comes as JSON, not null; send {\"learningRate\": 0.01} as application/json",
      "not JSON           | application/json | {learningRate: 1           | 400 | the body is not JSON (",
      "a list             | application/json | [0.5]                      | 400 | the body must be a JSON object; send {\"learningRate\": 0.01} as application/json",
      "a string           | application/json | {\"learningRate\": \"0.5\"} | 400 | learningRate must be a number, received \"0.5\"",
      "missing            | application/json | {}                         | 400 | learningRate must be a number, received nothing",
      "negative           | application/json | {\"learningRate\": -0.1}   | 400 | learningRate must be above 0 and at most 10.0, received -0.1",
      "zero               | application/json | {\"learningRate\": 0}      | 400 | learningRate must be above 0 and at most 10.0, received 0",
      "too small a float  | application/json | {\"learningRate\": 1e-60}  | 400 | learningRate must be above 0 and at most 10.0, received 1.0E-60",
      "too large          | application/json | {\"learningRate\": 1e6}    | 400 | learningRate must be above 0 and at most 10.0, received 1000000.0",
      "an extra field     | application/json | {\"learningRate\": 0.1, \"momentum\": 0} | 400 | unknown field [momentum]; send",
  })
  void malformedControlRequestsAreRefusedWithoutTouchingTheRun(String what, String type, String body, int status, String message)
      throws Exception {
    board = Dashboard.start(0);
    board.control().pause();
    TrainingRun[] run = new TrainingRun[1];
    CompletableFuture<List<EpochResult>> done = train(1, run);
    waitFor(board::live);
    Http.Answer a = Http.post(board, "/api/learning-rate", type, body.getBytes(StandardCharsets.UTF_8));
    assertThat(a.status()).as(what).isEqualTo(status);
    assertThat(json(a.body()).get("error").asText()).startsWith(message);
    assertThat(board.control().learningRate()).isNaN();
    assertThat(run[0].iteration()).isZero();
    assertThat(board.control().isPaused()).isTrue();
    board.control().resume();
    assertThat(done.get(60, TimeUnit.SECONDS).getLast().learningRate()).isEqualTo(0.01f);
  }

  @Test
  void aControlBodyIsBoundedBeforeItIsRead() throws Exception {
    board = Dashboard.start(0);
    Http.Answer a = Http.post(board, "/api/learning-rate", "application/json", new byte[5000]);
    assertThat(a.status()).isEqualTo(413);
    assertThat(json(a.body()).get("error").asText()).isEqualTo("a control request's body is at most 1024 bytes");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/api/pause  | training has not started yet: there is nothing to pause",
      "/api/resume | training has not started yet: there is nothing to resume",
      "/api/save   | training has not started yet: there is no model to save",
      "/api/predict | training has not started yet: there is no model to try",
  })
  void controlsBeforeTheRunStartsAreRefused(String path, String message) throws Exception {
    board = Dashboard.start(0);
    Http.Answer a = path.equals("/api/predict") ? Http.post(board, path, "image/png", Fixtures.bottomRight()) : Http.post(board, path);
    assertThat(a.status()).isEqualTo(409);
    assertThat(json(a.body()).get("error").asText()).isEqualTo(message);
    assertThat(board.control().isPaused()).isFalse();
  }

  @Test
  void pauseStopsTheStepCounterResumeRestartsIt() throws Exception {
    board = Dashboard.start(0, 20_000_000L);
    TrainingRun[] run = new TrainingRun[1];
    CompletableFuture<List<EpochResult>> done = train(3, run);
    waitFor(() -> run[0].iteration() > 5);
    Http.Answer paused = Http.post(board, "/api/pause");
    assertThat(paused.status()).isEqualTo(200);
    assertThat(json(paused.body()).get("message").asText()).isEqualTo("paused");
    Thread.sleep(300);  // the batch under way ends
    long at = run[0].iteration();
    Thread.sleep(700);
    assertThat(run[0].iteration()).as("steps while paused").isEqualTo(at);
    assertThat(status().get("phase").asText()).isEqualTo("paused");
    assertThat(Http.post(board, "/api/resume").status()).isEqualTo(200);
    waitFor(() -> run[0].iteration() > at);
    assertThat(done.get(60, TimeUnit.SECONDS)).hasSize(3);
    assertThat(status().get("phase").asText()).isEqualTo("finished");
    Http.Answer after = Http.post(board, "/api/pause");
    assertThat(after.status()).isEqualTo(409);
    assertThat(json(after.body()).get("error").asText()).isEqualTo("training has finished: there is nothing to pause");
  }

  @Test
  void aNewLearningRateFromThePageHoldsToTheEndOfTheRun() throws Exception {
    board = Dashboard.start(0);
    board.control().pause();
    CompletableFuture<List<EpochResult>> done = train(2, null);
    waitFor(board::live);
    Http.Answer a = Http.post(board, "/api/learning-rate", "application/json", "{\"learningRate\": 0.003}".getBytes(StandardCharsets.UTF_8));
    assertThat(a.status()).isEqualTo(200);
    assertThat(json(a.body()).get("message").asText()).isEqualTo("learning rate 0.003 from the next batch on");
    board.control().resume();
    assertThat(done.get(60, TimeUnit.SECONDS)).extracting(EpochResult::learningRate).containsExactly(0.003f, 0.003f);
  }

  @Test
  void saveNowWritesAModelFileBetweenBatchesThatLoadsBack(@TempDir Path dir) throws Exception {
    board = Dashboard.start(0).runFolder(dir);
    TrainingRun[] run = new TrainingRun[1];
    CompletableFuture<List<EpochResult>> done = train(2, run);
    waitFor(() -> run[0].iteration() > 3);
    Http.Answer a = Http.post(board, "/api/save");
    assertThat(a.status()).isEqualTo(200);
    String message = json(a.body()).get("message").asText();
    assertThat(message).startsWith("saved " + dir.resolve("model-step")).endsWith(".safetensors");
    Path file = Path.of(message.substring("saved ".length()));
    long step = Long.parseLong(file.getFileName().toString().replaceAll("\\D", ""));
    assertThat(step).isGreaterThan(3);
    Model back = ModelFile.load(file);
    assertThat(back.paramCount()).isEqualTo(run[0].model().paramCount());
    assertThat(back.classNames()).containsExactly(Fixtures.CLASSES);
    done.get(60, TimeUnit.SECONDS);
    Http.Answer atEnd = Http.post(board, "/api/save");
    assertThat(atEnd.status()).isEqualTo(200);
    Path last = Path.of(json(atEnd.body()).get("message").asText().substring("saved ".length()));
    Model end = ModelFile.load(last);
    for (int i = 0; i < end.params().size(); i++) {
      assertThat(end.params().get(i).value()).containsExactly(run[0].model().params().get(i).value());
    }
  }

  @Test
  void anUploadGetsTheSamePredictionAsTheModelItself() throws Exception {
    board = Dashboard.start(0);
    TrainingRun[] run = new TrainingRun[1];
    train(2, run).get(60, TimeUnit.SECONDS);
    Http.Answer a = Http.post(board, "/api/predict", "image/png", Fixtures.bottomRight());
    assertThat(a.status()).isEqualTo(200);
    JsonNode p = json(a.body());
    float[] pixels = new float[784];
    for (int r = 0; r < 28; r++) for (int c = 0; c < 28; c++) pixels[r * 28 + c] = (r >= 14 && c >= 14 ? 220 : 25) / 255f;
    float[] expected = run[0].model().predict(pixels);  // the model's own path: its normalisation, a forward pass
    assertThat(p.get("top").get(0).get("name").asText()).isEqualTo("bottom right");
    for (JsonNode g : p.get("top")) {
      assertThat(g.get("p").asDouble()).as(g.get("name").asText()).isCloseTo(expected[g.get("index").asInt()], org.assertj.core.api.Assertions.within(1e-6));
    }
    assertThat(p.get("top")).hasSize(4);
    assertThat(p.get("activations")).hasSize(run[0].model().nodes().size());
    assertThat(p.get("activations").get(1).get("name").asText()).isEqualTo("CONV1");
    assertThat(p.get("activations").get(1).get("image").asText()).startsWith("data:image/png;base64,");
    assertThat(p.get("input").asText()).startsWith("data:image/png;base64,");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "text           | 415 | the upload is not an image (it starts with bytes 68 65 6c 6c 6f 2c 20 49); send a PNG or JPEG file",
      "empty          | 400 | the upload is empty; send a PNG or JPEG image",
      "too many bytes | 413 | the upload is 4194305 bytes; images up to 4 MiB are taken",
      "huge picture   | 413 | the image is 100000x100000 pixels; images up to 8192x8192 are taken",
      "broken PNG     | 415 | the upload could not be decoded as an image; send a PNG or JPEG file",
  })
  void badUploadsGetAClearMessage(String what, int status, String message) throws Exception {
    board = Dashboard.start(0);
    train(1, null).get(60, TimeUnit.SECONDS);
    byte[] body = switch (what) {
      case "text" -> "hello, I am not a picture".getBytes(StandardCharsets.UTF_8);
      case "empty" -> new byte[0];
      case "too many bytes" -> new byte[(4 << 20) + 1];
      case "huge picture" -> withSize(Fixtures.bottomRight(), 100_000);
      default -> java.util.Arrays.copyOf(Fixtures.bottomRight(), 60);
    };
    Http.Answer a = Http.post(board, "/api/predict", "image/png", body);
    assertThat(a.status()).as(what).isEqualTo(status);
    assertThat(json(a.body()).get("error").asText()).isEqualTo(message);
  }

  /** The PNG with its header claiming {@code side} x {@code side} pixels (IHDR's width and height at bytes 16..23). */
  private static byte[] withSize(byte[] png, int side) {
    byte[] b = png.clone();
    java.nio.ByteBuffer.wrap(b, 16, 8).putInt(side).putInt(side);
    return b;
  }

  /**
   * Two pages that never read: one over a real socket (its bytes pile up in the kernel's buffers,
   * up to megabytes on loopback), and one whose writer is stuck for good (as when those buffers
   * are full: nothing takes from its queue). Training ends all the same, the stuck page's queue
   * stays bounded, and the pages that read get every update to the end.
   */
  @Test
  void pagesThatNeverReadDoNotHoldUpTrainingAndOthersStillUpdate() throws Exception {
    board = Dashboard.start(0, 0);  // a progress event after every batch: the most a page can be sent
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(1024);
      stalled.connect(new java.net.InetSocketAddress("127.0.0.1", board.port()));
      stalled.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + board.port() + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      waitFor(() -> board.pages().all().size() == 1);
      Page stuck = board.pages().open();
      try (Http.Events a = new Http.Events(board); Http.Events b = new Http.Events(board)) {
        waitFor(() -> board.pages().all().size() == 4);
        long start = System.nanoTime();
        TrainingRun run = board.attach(new TrainingRun(Fixtures.lenet(), Fixtures.quadrants(2000, 5), Fixtures.config(3)));
        // When the run starts the board sends every page the whole state; a batch that ends before
        // a page's writer has taken it goes into that state instead of a progress event of its own
        // (on a loaded machine the first one did, and a reading page counted 299 progress events).
        // A listener added after the board's holds the first batch until the writers have taken it.
        run.listen(new RunListener() {
          @Override
          public void runStarted(TrainingRun r) {
            try {
              waitFor(() -> board.pages().all().stream().filter(p -> p != stuck).noneMatch(Page::resyncDue));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
        List<EpochResult> history = CompletableFuture.supplyAsync(run::train).get(90, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(history).hasSize(3);
        for (Http.Events page : List.of(a, b)) {
          int progress = 0;
          boolean finished = false;
          for (Http.Event e; !finished && (e = page.next(null, 10)) != null; ) {
            if (e.name().equals("progress")) progress++;
            finished = e.name().equals("status") && e.data().contains("\"phase\":\"finished\"");
          }
          assertThat(finished).as("the 'finished' status reached a page that reads").isTrue();
          assertThat(progress).as("progress updates on a page that reads (one per batch)").isEqualTo(300);
        }
        assertThat(stuck.queued()).isLessThanOrEqualTo(Page.MAX_FRAMES);
        assertThat(stuck.dropped()).as("updates dropped for the stuck page").isGreaterThan(300 - Page.MAX_FRAMES);
        System.out.printf("3 epochs of 100 batches, two pages that never read and two that do: %.1f s; %d updates dropped "
            + "for the stuck one%n", seconds, stuck.dropped());
      }
    }
  }

  @Test
  void aSavedRunsPageShowsItsCurvesAndModelAndRefusesControls(@TempDir Path runs) throws Exception {
    Model model = Fixtures.lenet();
    RunFolder folder = RunFolder.create(runs, "quadrants-1");
    new TrainingRun(model, DATA, Fixtures.config(2)).listen(folder).train();
    ModelFile.save(model, folder.dir().resolve("model.safetensors"));
    board = Dashboard.forRunFolder(folder.dir(), 0).testSet(DATA);
    JsonNode st = json(Http.get(board, "/api/state").body());
    assertThat(st.get("run").get("name").asText()).isEqualTo("quadrants-1");
    assertThat(st.get("run").get("dataset").asText()).isEqualTo("quadrants");
    assertThat(st.get("epochs")).hasSize(2);
    assertThat(st.get("epochs").get(1).get("valAccuracy").isNumber()).isTrue();
    assertThat(st.get("layers")).hasSize(model.nodes().size());
    assertThat(st.get("layers").get(1).get("params").asLong()).isEqualTo(156);
    assertThat(st.get("status").get("phase").asText()).isEqualTo("saved");
    waitFor(() -> board.state().confusion() != null && board.state().inspection() != null);
    JsonNode confusion = json(board.state().confusion());
    assertThat(confusion.get("count").asLong()).isEqualTo(480);
    assertThat(confusion.get("source").asText()).isEqualTo("test");
    JsonNode inspection = json(board.state().inspection());
    assertThat(inspection.get("grid")).hasSize(Inspector.GRID);
    assertThat(inspection.get("filters").get("shape").asText()).isEqualTo("6 filters of 5x5x1");
    assertThat(Http.post(board, "/api/predict", "image/png", Fixtures.bottomRight()).status()).isEqualTo(200);
    Http.Answer pause = Http.post(board, "/api/pause");
    assertThat(pause.status()).isEqualTo(409);
    assertThat(json(pause.body()).get("error").asText()).isEqualTo("this page shows a saved run: there is nothing to pause");
  }

  @Test
  void aFolderThatIsNotARunsIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> Dashboard.forRunFolder(dir.resolve("nope"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(dir.resolve("nope") + " not found; expected a run's folder, runs/<name>/ with run.json and metrics.csv");
    assertThatThrownBy(() -> Dashboard.forRunFolder(dir, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(dir + " is not a run's folder: it has no metrics.csv");
  }

  @Test
  void aPortInUseIsNamed() {
    board = Dashboard.start(0);
    assertThatThrownBy(() -> Dashboard.start(board.port()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot serve the dashboard on 127.0.0.1:" + board.port() + " (")
        .hasMessageEndingWith("); choose another port with --port, or 0 for any free one");
    assertThatThrownBy(() -> Dashboard.start(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 0 (any free one) to 65535, received 70000");
  }

  private JsonNode status() throws Exception {
    return json(Http.get(board, "/api/state").body()).get("status");
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitFor(Check c) throws Exception {
    long end = System.nanoTime() + 30_000_000_000L;
    while (!c.ok()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not met within 30 s");
      Thread.sleep(10);
    }
  }
}
