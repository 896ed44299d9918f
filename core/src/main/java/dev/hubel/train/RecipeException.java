package dev.hubel.train;

/**
 * A recipe that cannot be run: the message names the file, the key (dotted: {@code optimizer.learning_rate}),
 * the value found and what is allowed.
 */
public final class RecipeException extends IllegalArgumentException {
  private final String key;

  RecipeException(String source, String key, String message) {
    super(source + ": " + message);
    this.key = key;
  }

  RecipeException(String source, String key, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.key = key;
  }

  /** The dotted key at fault ({@code model.dropout}), or "" for the whole file. */
  public String key() {
    return key;
  }
}
