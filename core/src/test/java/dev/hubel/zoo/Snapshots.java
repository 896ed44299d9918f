package dev.hubel.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reviewed outputs under src/test/resources/snapshots/: a change to one shows in review as a diff. */
final class Snapshots {
  private Snapshots() {}

  static String read(String name) {
    try (InputStream in = Snapshots.class.getResourceAsStream("/snapshots/" + name)) {
      if (in == null) throw new IllegalStateException("missing test resource snapshots/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
