package dev.hubel.io;

import java.nio.file.Path;

/**
 * A model file or checkpoint that cannot be read or written: the message names the file and says
 * what is wrong with it, so the CLI can print it as it stands.
 */
public final class ModelFileException extends RuntimeException {
  private final transient Path file;

  public ModelFileException(Path file, String what) {
    super(file + ": " + what);
    this.file = file;
  }

  public ModelFileException(Path file, String what, Throwable cause) {
    super(file + ": " + what, cause);
    this.file = file;
  }

  /** The file the problem is in. */
  public Path file() {
    return file;
  }
}
