package dev.hubel.tensor;

/**
 * A model that cannot be built or fed as written: a window that does not fit, inputs that do not
 * match, a batch of the wrong shape. Thrown when the model is built or a batch is handed over,
 * never from inside a kernel; the message says where, what was wrong and what would be right.
 */
public final class ShapeException extends IllegalArgumentException {
  public ShapeException(String message) {
    super(message);
  }
}
