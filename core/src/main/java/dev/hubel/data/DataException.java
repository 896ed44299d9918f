package dev.hubel.data;

/**
 * Anything wrong with data on disk or in memory: a missing file, a corrupt or truncated IDX
 * file, labels that do not match their images. The message says what was wrong, in which file
 * or dataset, and what would have been right, so that it can be shown to a user as it is.
 */
public class DataException extends RuntimeException {

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
