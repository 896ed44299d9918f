package dev.hubel.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hubel.cli.bench.OnnxTimer;
import dev.hubel.cli.bench.Timing;
import java.nio.FloatBuffer;
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
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
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

  private static FloatBuffer random(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    SplittableRandom rng = new SplittableRandom(7);
    FloatBuffer b = FloatBuffer.allocate((int) n);
    for (int i = 0; i < n; i++) b.put((float) rng.nextDouble(-1, 1));
    return b.rewind();
  }
}
