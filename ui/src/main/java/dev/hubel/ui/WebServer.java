package dev.hubel.ui;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The dashboard's HTTP side, on the JDK's own server: the page and its scripts from the jar, the
 * state as JSON, live updates as Server-Sent Events, and the controls. Each request runs on its
 * own virtual thread, so a page that reads slowly holds only its own thread.
 *
 * <p>Bound to loopback by default. Requests whose Host is not this server's loopback name are
 * refused (a page elsewhere cannot reach it through DNS rebinding), and so are POSTs from another
 * origin (nor by a form on another site).
 */
final class WebServer implements AutoCloseable {
  private static final long HEARTBEAT_MILLIS = 15_000;
  private static final int MAX_CONTROL_BYTES = 1024;
  private static final String UPLOT = uplotVersion();
  private static final Map<String, String[]> ASSETS = Map.of(
      "/", new String[] {"dev/hubel/ui/web/index.html", "text/html; charset=utf-8"},
      "/app.js", new String[] {"dev/hubel/ui/web/app.js", "text/javascript; charset=utf-8"},
      "/app.css", new String[] {"dev/hubel/ui/web/app.css", "text/css; charset=utf-8"},
      "/webjars/uplot/uPlot.iife.min.js", new String[] {"META-INF/resources/webjars/uplot/" + UPLOT + "/dist/uPlot.iife.min.js",
          "text/javascript; charset=utf-8"},
      "/webjars/uplot/uPlot.min.css", new String[] {"META-INF/resources/webjars/uplot/" + UPLOT + "/dist/uPlot.min.css",
          "text/css; charset=utf-8"});

  private final Dashboard board;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final boolean loopback;

  WebServer(Dashboard board, InetAddress address, int port) {
    this.board = board;
    this.loopback = address.isLoopbackAddress();
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 0);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serve the dashboard on " + address.getHostAddress() + ":" + port + " ("
          + e.getMessage() + "); choose another port with --port, or 0 for any free one", e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static String uplotVersion() {
    try (InputStream in = WebServer.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) throw new IllegalStateException("the uPlot WebJar (org.webjars.npm:uplot) is not on the class path");
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange ex) {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      try {
        checkHost(ex);
        if (ASSETS.containsKey(path)) {
          require(method, "GET");
          asset(ex, ASSETS.get(path));
          return;
        }
        switch (path) {
          case "/api/state" -> {
            require(method, "GET");
            send(ex, 200, "application/json", board.state().full());
          }
          case "/api/events" -> {
            require(method, "GET");
            events(ex);
          }
          case "/api/pause", "/api/resume", "/api/save" -> {
            require(method, "POST");
            checkOrigin(ex);
            readControl(ex);
            String result = switch (path) {
              case "/api/pause" -> board.pause();
              case "/api/resume" -> board.resume();
              default -> board.saveNow();
            };
            send(ex, 200, "application/json", PageState.json(Map.of("message", result)));
          }
          case "/api/learning-rate" -> {
            require(method, "POST");
            checkOrigin(ex);
            float lr = learningRate(ex);
            send(ex, 200, "application/json", PageState.json(Map.of("message", board.setLearningRate(lr))));
          }
          case "/api/predict" -> {
            require(method, "POST");
            checkOrigin(ex);
            byte[] bytes = Uploads.read(ex.getRequestBody(), contentLength(ex));
            send(ex, 200, "application/json", PageState.json(board.predict(bytes)));
          }
          default -> throw new Refusal(404, "no page or API at " + path + "; the dashboard is at /");
        }
      } catch (Refusal r) {
        if (r.status() == 405) ex.getResponseHeaders().set("Allow", r.getMessage().substring(r.getMessage().lastIndexOf(' ') + 1));
        send(ex, r.status(), "application/json", PageState.json(Map.of("error", r.getMessage())));
      } catch (RuntimeException e) {
        send(ex, 500, "application/json", PageState.json(Map.of("error", "the dashboard failed: " + e)));
      }
    } catch (IOException gone) {
      // the page went away mid-answer: nothing to tell it
    }
  }

  private void checkHost(HttpExchange ex) {
    if (!loopback) return;
    String host = ex.getRequestHeaders().getFirst("Host");
    int port = port();
    Set<String> ok = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
    if (host == null || !ok.contains(host.toLowerCase(java.util.Locale.ROOT))) {
      throw new Refusal(403, "this dashboard answers to 127.0.0.1:" + port + " and localhost:" + port + " only, not to Host " + host);
    }
  }

  private void checkOrigin(HttpExchange ex) {
    String origin = ex.getRequestHeaders().getFirst("Origin");
    if (origin == null) return;  // not from a browser page: curl, tests
    String host = ex.getRequestHeaders().getFirst("Host");
    if (!origin.equals("http://" + host)) {
      throw new Refusal(403, "controls are taken from the dashboard's own page only, not from " + origin);
    }
  }

  private static void require(String method, String allowed) {
    if (!method.equals(allowed)) throw new Refusal(405, method + " is not allowed here; use " + allowed);
  }

  private static long contentLength(HttpExchange ex) {
    String len = ex.getRequestHeaders().getFirst("Content-Length");
    try {
      return len == null ? -1 : Long.parseLong(len.trim());
    } catch (NumberFormatException e) {
      throw new Refusal(400, "Content-Length '" + len + "' is not a number");
    }
  }

  /** A control's body: empty, or at most a small JSON object, never read past {@value #MAX_CONTROL_BYTES} bytes. */
  private static byte[] readControl(HttpExchange ex) throws IOException {
    byte[] body = contentLength(ex) > MAX_CONTROL_BYTES ? null : ex.getRequestBody().readNBytes(MAX_CONTROL_BYTES + 1);
    if (body == null || body.length > MAX_CONTROL_BYTES) {
      Uploads.drain(ex.getRequestBody());
      throw new Refusal(413, "a control request's body is at most " + MAX_CONTROL_BYTES + " bytes");
    }
    return body;
  }

  /** {@code {"learningRate": 0.01}}, and nothing else. */
  private static float learningRate(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    String expected = "send {\"learningRate\": 0.01} as application/json";
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new Refusal(415, "the learning rate comes as JSON, not " + type + "; " + expected);
    }
    byte[] body = readControl(ex);
    JsonNode node;
    try {
      node = PageState.JSON.readTree(body);
    } catch (JacksonException e) {
      throw new Refusal(400, "the body is not JSON (" + e.getOriginalMessage() + "); " + expected);
    }
    if (node == null || !node.isObject()) throw new Refusal(400, "the body must be a JSON object; " + expected);
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String n = names.next();
      if (!n.equals("learningRate")) unknown.add(n);
    }
    if (!unknown.isEmpty()) throw new Refusal(400, "unknown field" + (unknown.size() > 1 ? "s " : " ") + unknown + "; " + expected);
    JsonNode v = node.get("learningRate");
    if (v == null || !v.isNumber()) {
      throw new Refusal(400, "learningRate must be a number, received " + (v == null ? "nothing" : v.toString()) + "; " + expected);
    }
    double lr = v.asDouble();
    if (!(lr > 0) || !(lr <= Dashboard.MAX_LEARNING_RATE) || !((float) lr > 0)) {
      throw new Refusal(400, "learningRate must be above 0 and at most " + Dashboard.MAX_LEARNING_RATE + ", received " + v);
    }
    return (float) lr;
  }

  private void asset(HttpExchange ex, String[] resource) throws IOException {
    try (InputStream in = WebServer.class.getClassLoader().getResourceAsStream(resource[0])) {
      if (in == null) throw new Refusal(404, resource[0] + " is missing from the jar");
      byte[] bytes = in.readAllBytes();
      ex.getResponseHeaders().set("Content-Type", resource[1]);
      headers(ex);
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }

  private static void headers(HttpExchange ex) {
    var h = ex.getResponseHeaders();
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Cache-Control", "no-store");
    h.set("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type + (type.startsWith("application/json") ? "; charset=utf-8" : ""));
    headers(ex);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  /**
   * Server-Sent Events: the whole state first, then updates from this page's own queue; a
   * comment line now and then, so that a closed page is noticed even when nothing happens.
   */
  private void events(HttpExchange ex) throws IOException {
    Page page = board.pages().open();
    if (page == null) throw new Refusal(503, Pages.MAX_PAGES + " pages are open already; close one and reload");
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      headers(ex);
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      write(out, "retry: 1000\nevent: state\ndata: " + board.state().full() + "\n\n");
      board.wantInspection();  // pictures as they are now, for a page that opens mid-run
      while (true) {
        Page.Work w = page.next(HEARTBEAT_MILLIS);
        if (w.closed()) return;
        StringBuilder s = new StringBuilder();
        if (w.resync()) {
          s.append("event: state\ndata: ").append(board.state().full()).append("\n\n");
        } else {
          for (String f : w.frames()) s.append(f);
          for (String kind : w.latest()) {
            String json = kind.equals("inspection") ? board.state().inspection() : board.state().confusion();
            if (json != null) s.append("event: ").append(kind).append("\ndata: ").append(json).append("\n\n");
          }
        }
        write(out, s.isEmpty() ? ": still here\n\n" : s.toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      board.pages().closed(page);
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
