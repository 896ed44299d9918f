package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {

  @TempDir Path dir;

  private final LocalServer server = new LocalServer();
  private final List<String> progress = new ArrayList<>();
  private final Downloader downloader = new Downloader(progress::add);

  @AfterEach
  void stop() {
    server.close();
  }

  static String md5(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private List<Path> leftovers(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.toList();
    }
  }

  @Test
  void downloadsAFileWhoseChecksumMatches() throws IOException {
    byte[] content = "the real file\n".repeat(10000).getBytes(StandardCharsets.UTF_8);
    server.files.put("/data/a.bin", content);
    Path target = dir.resolve("sub/a.bin");

    Path got = downloader.fetch(server.base().resolve("data/a.bin"), md5(content).toUpperCase(), target);

    assertThat(got).isEqualTo(target);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(leftovers(dir.resolve("sub"))).containsExactly(target); // no .part file
    assertThat(progress).singleElement().asString().contains("downloading " + server.base() + "data/a.bin");
  }

  @Test
  void aChecksumMismatchKeepsNothingAndKeepsAnOlderFile() throws IOException {
    server.files.put("/a.bin", "tampered".getBytes(StandardCharsets.UTF_8));
    Path target = dir.resolve("a.bin");
    String expected = md5("original".getBytes(StandardCharsets.UTF_8));
    URI url = server.base().resolve("a.bin");

    assertThatThrownBy(() -> downloader.fetch(url, expected, target))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains("downloaded from " + url, "has MD5 " + md5("tampered".getBytes(StandardCharsets.UTF_8)),
            "expected " + expected, "deleted", "download " + url + " by hand", target.toString());
    assertThat(leftovers(dir)).isEmpty();
  }

  @Test
  void notFoundOnTheServerSaysWhichStatus() throws IOException {
    URI url = server.base().resolve("missing.tar.gz");
    Path target = dir.resolve("missing.tar.gz");

    assertThatThrownBy(() -> downloader.fetch(url, "00", target))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains("GET " + url + " answered HTTP 404", "expected 200", "by hand");
    assertThat(leftovers(dir)).isEmpty();
  }

  @Test
  void refusedConnectionSaysThereIsNoNetworkOrServer() throws IOException {
    URI url = server.base().resolve("a.bin");
    server.close(); // nothing listens on that port any more

    assertThatThrownBy(() -> downloader.fetch(url, "00", dir.resolve("a.bin")))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains("could not connect to 127.0.0.1:" + url.getPort(), "no network, or the server is down",
            "download " + url + " by hand");
    assertThat(leftovers(dir)).isEmpty();
  }
}
