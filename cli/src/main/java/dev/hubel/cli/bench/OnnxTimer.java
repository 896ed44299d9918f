package dev.hubel.cli.bench;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * A runtime that times ONNX models for {@code hubel bench --compare}. The one implementation, on
 * ONNX Runtime, lives in the bench module, so that its native library never becomes a dependency
 * of Hubel itself: the CLI finds it on the class path through {@link ServiceLoader}.
 */
public interface OnnxTimer {

  /** The runtime's name and version, for the table's header. */
  String version();

  /**
   * Milliseconds per batch of inference on random input of {@code inputShape} (batch first),
   * with {@code threads} intra-op threads, timed as {@link Timing#of} does.
   */
  Timing time(Path model, long[] inputShape, int threads, int runs) throws Exception;

  /**
   * The runtime's own profile of a few seconds of the same inference, node by node, as text to
   * print under its timing ({@code hubel bench --compare --profile}); empty where it has none.
   */
  default String profile(Path model, long[] inputShape, int threads) throws Exception {
    return "";
  }

  /** A session that runs a model once per {@link #run} call; close it when done. */
  interface Runner extends Runnable, AutoCloseable {}

  /**
   * A session of the model on random input of {@code inputShape}, for timing in turns with
   * Hubel ({@link Timing#alternating}).
   */
  Runner runner(Path model, long[] inputShape, int threads) throws Exception;

  /** The timer on the class path, or null when the bench module is not there. */
  static OnnxTimer find() {
    return ServiceLoader.load(OnnxTimer.class).findFirst().orElse(null);
  }
}
