package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.zoo.LeNet5;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a checkpoint is made of refuses values a run cannot resume from. */
class TrainingStateTest {
  private static final TrainConfig CONFIG = new TrainConfig(4, 8, 0.05f, 0.9f, 5e-4f, 0.5f, 7);

  static Stream<Arguments> impossible() {
    Sgd sgd = new Sgd(LeNet5.build().params(), 0.1f, 0.9f, 0f);
    return Stream.of(
        Arguments.of("no config", (Runnable) () -> new TrainingState(null, 1, 1, 0.1f), "a training state needs the run's TrainConfig"),
        Arguments.of("negative epoch", (Runnable) () -> new TrainingState(CONFIG, -1, 1, 0.1f), "epochs completed must be 0 or more, received -1"),
        Arguments.of("negative iteration", (Runnable) () -> new TrainingState(CONFIG, 1, -5, 0.1f), "iteration must be 0 or more, received -5"),
        Arguments.of("zero learning rate", (Runnable) () -> new TrainingState(CONFIG, 1, 1, 0f), "learning rate must be a positive number, received 0.0"),
        Arguments.of("NaN learning rate", (Runnable) () -> new TrainingState(CONFIG, 1, 1, Float.NaN), "learning rate must be a positive number, received NaN"),
        Arguments.of("velocities for another model", (Runnable) () -> sgd.restore(List.of(new float[3])),
            "this optimiser moves 10 parameters; received 1 velocities"),
        Arguments.of("a velocity of another size", (Runnable) () -> {
          List<float[]> v = new java.util.ArrayList<>();
          for (float[] a : sgd.velocities()) v.add(a.clone());
          v.set(2, new float[7]);
          sgd.restore(v);
        }, "CONV2.weight has 2400 values; its velocity has 7"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("impossible")
  void isRefused(String what, Runnable make, String message) {
    assertThatThrownBy(make::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
