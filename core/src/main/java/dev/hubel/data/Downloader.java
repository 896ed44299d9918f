package dev.hubel.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Fetches one file over HTTP(S) and keeps it only if its MD5 is the published one. The body is
 * written to a temporary file beside the target and renamed onto it at the end, so a reader never
 * sees half a file and a failed or corrupt download leaves nothing behind. MD5 because that is
 * what the dataset authors publish (CIFAR, Fashion-MNIST); it guards against corruption, not
 * against an attacker, and the sources are HTTPS.
 */
public final class Downloader {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

  private final HttpClient client;
  private final Consumer<String> progress;

  /** A downloader that tells {@code progress} (e.g. {@code System.err::println}) what it fetches. */
  public Downloader(Consumer<String> progress) {
    this(HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL) // GitHub's raw files redirect
        .build(), progress);
  }

  public Downloader(HttpClient client, Consumer<String> progress) {
    this.client = client;
    this.progress = progress == null ? s -> {} : progress;
  }

  /**
   * Downloads {@code url} to {@code target} (creating its folder) if its MD5 is {@code md5}
   * (hex, any case). Returns {@code target}. Every failure is a {@link DataException} that says
   * how to fetch the file by hand instead.
   */
  public Path fetch(URI url, String md5, Path target) {
    String byHand = "; download " + url + " by hand (MD5 " + md5.toLowerCase(Locale.ROOT) + ") and save it as " + target;
    Path dir = target.toAbsolutePath().getParent();
    Path part = null;
    try {
      Files.createDirectories(dir);
      part = Files.createTempFile(dir, "." + target.getFileName(), ".part");
      progress.accept("downloading " + url + " to " + target);
      HttpRequest request = HttpRequest.newBuilder(url).GET().build();
      HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String actual;
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new DataException(
              "GET " + url + " answered HTTP " + response.statusCode() + "; expected 200 with the file" + byHand);
        }
        actual = copyHashing(body, part);
      }
      if (!actual.equalsIgnoreCase(md5)) {
        throw new DataException(
            "the file downloaded from " + url + " has MD5 " + actual + ", expected " + md5.toLowerCase(Locale.ROOT)
                + ": it is corrupt or not the published file, so it was deleted" + byHand);
      }
      move(part, target);
      part = null;
      return target;
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new DataException(
          "could not connect to " + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + " for " + url
              + " (" + e + "): no network, or the server is down" + byHand, e);
    } catch (IOException e) {
      throw new DataException("downloading " + url + " failed (" + e + ")" + byHand, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("downloading " + url + " was interrupted" + byHand, e);
    } finally {
      if (part != null) {
        try {
          Files.deleteIfExists(part);
        } catch (IOException ignored) {
          // the download already failed with a clearer message than this would give
        }
      }
    }
  }

  private static String copyHashing(InputStream in, Path to) throws IOException {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide MD5", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(to)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md5.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
