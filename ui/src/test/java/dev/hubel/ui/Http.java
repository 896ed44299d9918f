package dev.hubel.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The tests' side of the wire: plain requests, a raw socket when headers must be forged, and an SSE reader. */
final class Http {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  record Answer(int status, String body, java.net.http.HttpHeaders headers) {}

  record Event(String name, String data) {}

  static Answer get(Dashboard d, String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(d.url().resolve(path)).GET().timeout(Duration.ofSeconds(20)).build());
  }

  static Answer post(Dashboard d, String path, String type, byte[] body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(d.url().resolve(path)).timeout(Duration.ofSeconds(70))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) b.header("Content-Type", type);
    return send(b.build());
  }

  static Answer post(Dashboard d, String path) throws IOException, InterruptedException {
    return post(d, path, null, new byte[0]);
  }

  static Answer send(HttpRequest r) throws IOException, InterruptedException {
    HttpResponse<String> res = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    return new Answer(res.statusCode(), res.body(), res.headers());
  }

  /** A request written by hand (to forge Host or Origin); returns the status line and the rest. */
  static String raw(Dashboard d, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", d.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** An open page's event stream, read on a background thread into a queue. */
  static final class Events implements AutoCloseable {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile Stream<String> lines;

    Events(Dashboard d) {
      HttpRequest r = HttpRequest.newBuilder(d.url().resolve("/api/events")).GET().build();
      reader = Thread.ofVirtual().start(() -> {
        try {
          lines = CLIENT.send(r, HttpResponse.BodyHandlers.ofLines()).body();
          String[] name = {null};
          lines.forEach(line -> {
            if (line.startsWith("event: ")) name[0] = line.substring(7);
            else if (line.startsWith("data: ")) events.add(new Event(name[0], line.substring(6)));
          });
        } catch (IOException | InterruptedException | RuntimeException e) {
          // closed
        }
      });
    }

    /** The next event called {@code name} (any event: null) within {@code seconds}, or null. */
    Event next(String name, double seconds) throws InterruptedException {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      for (long left; (left = end - System.nanoTime()) > 0; ) {
        Event e = events.poll(left, TimeUnit.NANOSECONDS);
        if (e != null && (name == null || e.name().equals(name))) return e;
      }
      return null;
    }

    @Override
    public void close() {
      Stream<String> l = lines;
      if (l != null) l.close();
      reader.interrupt();
    }
  }
}
