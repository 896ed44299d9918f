package dev.hubel.onnx;

/**
 * An ONNX file that cannot be read as a Hubel model, or a model that cannot be written as ONNX:
 * the message says which file, which node and what is wrong, so the CLI can print it as it stands.
 */
public final class OnnxException extends RuntimeException {
  public OnnxException(String message) {
    super(message);
  }

  public OnnxException(String message, Throwable cause) {
    super(message, cause);
  }
}
