package dev.hubel.op;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.flatten;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.lrn;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.model.Node;
import dev.hubel.tensor.ShapeException;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Settings that grouped convolution, LRN and dropout refuse, each with the message a user reads. */
class AlexNetLayerErrorsTest {

  private static Node volume() {
    return input(6, 5, 5);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        row("dropout above 1", () -> dropout(volume(), 1.5), "DROPOUT1: dropout 1.5: expected a probability in [0, 1)"),
        row("dropout of 1 (nothing left)", () -> dropout(volume(), 1.0), "dropout 1.0: expected a probability in [0, 1)"),
        row("negative dropout", () -> dropout(volume(), -0.1), "dropout -0.1: expected a probability in [0, 1)"),
        row("dropout NaN", () -> dropout(volume(), Double.NaN), "dropout NaN: expected a probability in [0, 1)"),
        row("groups that do not divide the filters", () -> conv2d(volume(), 4, 3, 1, 1, 3),
            "CONV1: 3 groups do not split 4 filters over 6 input channels evenly; both must divide by the number of groups. Groups that fit: 1, 2."),
        row("groups that do not divide the channels", () -> conv2d(volume(), 8, 3, 1, 1, 4),
            "CONV1: 4 groups do not split 8 filters over 6 input channels evenly"),
        row("zero groups", () -> conv2d(volume(), 4, 3, 1, 1, 0), "CONV1: groups must be at least 1, received 0"),
        row("lrn on a vector", () -> lrn(flatten(volume()), 5, 1e-4, 0.75, 2),
            "NORM1: local response normalisation works across the channels of a HxWxC volume, received [150]"),
        row("lrn window of 0 channels", () -> lrn(volume(), 0, 1e-4, 0.75, 2), "NORM1: the window must span at least 1 channel, received size 0"),
        row("lrn negative alpha", () -> lrn(volume(), 5, -1, 0.75, 2), "NORM1: alpha must be 0 or more, received -1.0"),
        row("lrn negative beta", () -> lrn(volume(), 5, 1e-4, -0.75, 2), "NORM1: beta must be 0 or more, received -0.75"),
        row("lrn k of 0", () -> lrn(volume(), 5, 1e-4, 0.75, 0),
            "NORM1: k must be a positive number (it keeps the divisor away from 0), received 0.0"));
  }

  private static Arguments row(String name, Executable build, String message) {
    return Arguments.of(name, build, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refused(String name, Executable build, String message) {
    assertThatThrownBy(build::execute).isInstanceOf(ShapeException.class).hasMessageContaining(message);
  }
}
