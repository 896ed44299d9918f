package dev.hubel.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hubel.cli.bench.OnnxTimer;
import dev.hubel.cli.bench.Timing;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times an ONNX model in ONNX Runtime for Java, the strongest inference engine a Java program can
 * pick: all graph optimisations on, {@code threads} intra-op threads, one inter-op thread (the
 * models are chains), the CPU provider, input from the same random range as Hubel's rows.
 */
public final class OnnxRuntimeTimer implements OnnxTimer {

  @Override
  public String version() {
    return "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion();
  }

  @Override
  public Timing time(Path model, long[] inputShape, int threads, int runs) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = options(threads)) {
      try (OrtSession session = env.createSession(model.toString(), options);
           OnnxTensor input = OnnxTensor.createTensor(env, random(inputShape), inputShape)) {
        String name = session.getInputNames().iterator().next();
        Map<String, OnnxTensor> feed = Map.of(name, input);
        return Timing.of(() -> {
          try (OrtSession.Result ignored = session.run(feed)) {
            // the outputs are closed at once: only the time counts
          } catch (OrtException e) {
            throw new IllegalStateException(e);
          }
        }, runs, 0);
      }
    }
  }

  @Override
  public Runner runner(Path model, long[] inputShape, int threads) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = options(threads);
    OrtSession session = env.createSession(model.toString(), options);
    OnnxTensor input = OnnxTensor.createTensor(env, random(inputShape), inputShape);
    Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), input);
    return new Runner() {
      @Override
      public void run() {
        try (OrtSession.Result ignored = session.run(feed)) {
          // the outputs are closed at once: only the time counts
        } catch (OrtException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public void close() throws OrtException {
        input.close();
        session.close();
        options.close();
      }
    };
  }

  /**
   * Runs the model for a warm-up and a timed stretch (as long as {@link Timing#of}'s) in a
   * session with ONNX Runtime's profiling on, and tabulates the trace it writes
   * ({@link OrtProfileTable}); the trace file is deleted.
   */
  @Override
  public String profile(Path model, long[] inputShape, int threads) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Path dir = Files.createTempDirectory("hubel-ort-profile");
    try (OrtSession.SessionOptions options = options(threads)) {
      options.enableProfiling(dir.resolve("trace").toString());
      Path trace;
      try (OrtSession session = env.createSession(model.toString(), options);
           OnnxTensor input = OnnxTensor.createTensor(env, random(inputShape), inputShape)) {
        Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), input);
        // the warm-up's runs are in the trace too; each node's median over all runs leaves them out
        for (long end = System.nanoTime() + Timing.WARM_UP_NANOS + Timing.RUN_NANOS; System.nanoTime() < end; ) {
          session.run(feed).close();
        }
        trace = Path.of(session.endProfiling());
      }
      return OrtProfileTable.format(new ObjectMapper().readTree(trace.toFile()));
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The session's options for timing and profiling alike: all optimisations, {@code threads} intra-op threads, one inter-op. */
  private static OrtSession.SessionOptions options(int threads) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.setIntraOpNumThreads(threads);
    options.setInterOpNumThreads(1);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    return options;
  }

  private static FloatBuffer random(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    SplittableRandom rng = new SplittableRandom(7);
    FloatBuffer b = FloatBuffer.allocate((int) n);
    for (int i = 0; i < n; i++) b.put((float) rng.nextDouble(-1, 1));
    return b.rewind();
  }
}
