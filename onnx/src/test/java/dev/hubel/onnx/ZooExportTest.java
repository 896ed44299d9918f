package dev.hubel.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hubel.model.Model;
import dev.hubel.model.Normalization;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.Zoo;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model, exported by Hubel, run by ONNX Runtime (the peer), gives Hubel's scores; and
 * read back by {@link OnnxImport}, gives them again. Batch norms get random running statistics
 * and image models a random normalisation, so that neither is exported as the identity.
 */
class ZooExportTest {
  static OrtEnvironment env;

  @BeforeAll
  static void start() {
    env = OrtEnvironment.getEnvironment();
  }

  static final Shape SMALL = Shape.chw(3, 32, 32);

  /** Zoo name, options (reduced input where the paper's is big), vocabulary for token ids (0: images). */
  static Stream<Arguments> zoo() {
    return Stream.of(
        Arguments.of("lenet5", Zoo.Options.DEFAULTS, 0),
        Arguments.of("fashion-cnn", Zoo.Options.DEFAULTS, 0),
        Arguments.of("alexnet", new Zoo.Options(10, Shape.chw(3, 67, 67), null), 0),
        Arguments.of("alexnet-two-towers", new Zoo.Options(10, Shape.chw(3, 67, 67), null), 0),
        Arguments.of("vgg16", new Zoo.Options(10, SMALL, null), 0),
        Arguments.of("googlenet", new Zoo.Options(10, Shape.chw(3, 64, 64), null), 0),
        Arguments.of("resnet18", new Zoo.Options(10, SMALL, null), 0),
        Arguments.of("resnet34", new Zoo.Options(10, SMALL, null), 0),
        Arguments.of("resnet50", new Zoo.Options(10, SMALL, null), 0),
        Arguments.of("resnet101", new Zoo.Options(10, SMALL, null), 0),
        Arguments.of("resnet152", new Zoo.Options(10, SMALL, null), 0),
        Arguments.of("resnet20", Zoo.Options.DEFAULTS, 0),
        Arguments.of("resnet32", Zoo.Options.DEFAULTS, 0),
        Arguments.of("resnet44", Zoo.Options.DEFAULTS, 0),
        Arguments.of("resnet56", Zoo.Options.DEFAULTS, 0),
        Arguments.of("resnet110", Zoo.Options.DEFAULTS, 0),
        Arguments.of("textcnn", new Zoo.Options(3, Shape.vector(20), 50), 50),
        Arguments.of("alphago-policy", new Zoo.Options(null, Shape.chw(48, 9, 9), null), 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zoo")
  void runsInOnnxRuntimeAsInHubelAndReadsBack(String name, Zoo.Options options, int vocabulary) throws OrtException {
    Model model = Zoo.build(name, options);  // He-initialised from seed 0
    perturbStatistics(model);
    if (model.inputShape().isVolume()) model.setNormalization(randomNormalization(model.inputShape().c()));
    int n = 2;
    float[] x = Outputs.inputs(model, n, 5, vocabulary);
    float[] hubel = Outputs.hubel(model, x, n);

    byte[] onnx = OnnxExport.toBytes(model);
    float[] ort = runInOnnxRuntime(onnx, model.inputShape(), x, n);
    double error = Outputs.relativeError(ort, hubel);
    System.out.printf("%s: ONNX Runtime against Hubel, relative error %.2g%n", name, error);
    assertThat(error).as("ONNX Runtime against Hubel, relative error").isLessThan(1e-4);

    // reading back the four largest (VGG-16, ResNet-50, -101, -152: 23 to 58 million weights) takes the
    // reader's paths for AlexNet's and ResNet-34's layers again, and would add half to this test's time
    if (model.paramCount() > 22_000_000) return;
    Model back = OnnxImport.read(onnx, name, name, null, null).model();
    assertThat(back.normalization()).isEqualTo(model.normalization());
    assertThat(back.paramCount()).isEqualTo(model.paramCount());
    assertThat(Outputs.relativeError(Outputs.hubel(back, x, n), hubel)).as("read back, relative error").isLessThan(1e-6);
  }

  /**
   * The layers and settings no zoo model uses: average pooling with padding and a kept partial
   * window (CEIL), a convolution that keeps one (written with more padding at the end, as ONNX's
   * Conv has no ceil_mode), a padded max pool rounding up, even filters, a feature batch norm.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("outsideTheZoo")
  void layersOutsideTheZooRunInOnnxRuntimeAsInHubel(String what, java.util.function.Supplier<Model> build) throws OrtException {
    Model model = build.get();
    perturbStatistics(model);
    float[] x = Outputs.inputs(model, 2, 9, 0);
    float[] hubel = Outputs.hubel(model, x, 2);
    byte[] onnx = OnnxExport.toBytes(model);
    assertThat(Outputs.relativeError(runInOnnxRuntime(onnx, model.inputShape(), x, 2), hubel)).as("ONNX Runtime").isLessThan(1e-4);
    Model back = OnnxImport.read(onnx, what, what, null, null).model();
    assertThat(Outputs.relativeError(Outputs.hubel(back, x, 2), hubel)).as("read back").isLessThan(1e-6);
  }

  static Stream<Arguments> outsideTheZoo() {
    return Stream.of(
        Arguments.of("average pools, padded and rounding up", (java.util.function.Supplier<Model>) () -> {
          dev.hubel.model.Node x = dev.hubel.model.Layers.input(2, 11, 11);
          x = dev.hubel.model.Layers.avgPool(x, 3, 2, 1, dev.hubel.op.Fit.CEIL);   // 11 -> 7 (a partial window kept)
          x = dev.hubel.model.Layers.avgPool(x, 2, 2, 0, dev.hubel.op.Fit.CEIL);   // 7 -> 4
          x = dev.hubel.model.Layers.avgPool(x, 3, 1, 1, dev.hubel.op.Fit.EXACT);  // 4 -> 4, padding counted
          return Model.of("pools", dev.hubel.model.Layers.dense(x, 3));
        }),
        Arguments.of("a convolution rounding up, even filters, a padded max pool rounding up", (java.util.function.Supplier<Model>) () -> {
          dev.hubel.model.Node x = dev.hubel.model.Layers.input(3, 10, 9);
          x = dev.hubel.model.Layers.conv2d(x, 4, 3, 2, 2, 1, dev.hubel.op.Fit.CEIL);  // 10x9 -> 6x6
          x = dev.hubel.model.Layers.maxPool(x, 3, 2, 1, dev.hubel.op.Fit.CEIL);       // 6 -> 4
          x = dev.hubel.model.Layers.conv2d(x, 4, 2, 2, 1, 0, dev.hubel.op.Fit.EXACT, 2, false);  // 4 -> 3, two groups, no bias
          x = dev.hubel.model.Layers.batchNorm(dev.hubel.model.Layers.dense(x, 5));  // batch norm of features
          return Model.of("windows", x);
        }));
  }

  static float[] runInOnnxRuntime(byte[] onnx, Shape in, float[] x, int n) throws OrtException {
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(2);
      // the graph as written, not ONNX Runtime's rewrite of it (fusing batch norms into convolutions), which also loads faster
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);

      try (OrtSession session = env.createSession(onnx, opts)) {
        long[] shape = new long[in.rank() + 1];
        shape[0] = n;
        for (int i = 0; i < in.rank(); i++) shape[i + 1] = in.dim(i);
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             OrtSession.Result r = session.run(Map.of(GraphWriter.INPUT, input))) {
          OnnxTensor out = (OnnxTensor) r.get(0);
          FloatBuffer b = out.getFloatBuffer();
          float[] values = new float[b.remaining()];
          b.get(values);
          return values;
        }
      }
    }
  }

  /** Running statistics, scale and shift away from their starting 0 and 1, so that batch norm is not the identity. */
  static void perturbStatistics(Model model) {
    SplittableRandom rng = new SplittableRandom(3);
    for (Param p : model.params()) {
      Role r = p.role();
      if (r == Role.WEIGHT || r == Role.BIAS) continue;
      for (int i = 0; i < p.size(); i++) {
        p.value()[i] = switch (r) {
          case RUNNING_VAR, SCALE -> (float) (0.5 + rng.nextDouble());
          default -> (float) (0.2 * rng.nextGaussian());
        };
      }
    }
  }

  static Normalization randomNormalization(int channels) {
    SplittableRandom rng = new SplittableRandom(channels);
    float[] mean = new float[channels], std = new float[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = (float) (0.5 * rng.nextGaussian());
      std[c] = (float) (0.2 + rng.nextDouble());
    }
    return new Normalization(mean, std);
  }
}
