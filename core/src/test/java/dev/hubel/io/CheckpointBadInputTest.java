package dev.hubel.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.model.Model;
import dev.hubel.train.Optimizer;
import dev.hubel.train.OptimizerConfig;
import dev.hubel.train.Sgd;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.TrainingState;
import dev.hubel.zoo.LeNet5;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checkpoints that cannot be resumed from: each row edits LeNet-5's checkpoint in one way. */
class CheckpointBadInputTest {
  @TempDir Path dir;

  private static Arguments row(String what, BiConsumer<Map<String, String>, List<SafeTensors.Entry>> edit, String message) {
    return Arguments.of(what, edit, message);
  }

  static Stream<Arguments> badCheckpoints() {
    return Stream.of(
        row("a model file", (m, t) -> {
          m.put("format", "hubel-model");
          m.remove("training_state");
          t.removeIf(e -> e.name().startsWith("optimizer."));
        }, "is a model file, not a checkpoint: it holds no optimiser state to resume from; load it with ModelFile.load"),
        row("no training state", (m, t) -> m.remove("training_state"), "metadata has no 'training_state'; a checkpoint needs it to resume"),
        row("training state not JSON", (m, t) -> m.put("training_state", "{\"epoch\": 3,"),
            "metadata 'training_state' is not a training state Hubel can resume from: Unexpected end-of-input"),
        row("training state without its iteration", (m, t) -> m.put("training_state", m.get("training_state").replace("\"iteration\":40,", "")),
            "metadata 'training_state' is not a training state Hubel can resume from: Missing creator property 'iteration'"),
        row("training state with an impossible epoch", (m, t) -> m.put("training_state", m.get("training_state").replace("\"epoch\":2", "\"epoch\":-2")),
            "epochs completed must be 0 or more, received -2"),
        row("training state with an unknown setting", (m, t) -> m.put("training_state", m.get("training_state").replace("\"seed\":7", "\"seed\":7,\"warmup\":5")),
            "Unrecognized field \"warmup\""),
        row("a velocity missing", (m, t) -> t.removeIf(e -> e.name().equals("optimizer.velocity.FC4.bias")),
            "has no optimiser state optimizer.velocity.FC4.bias; a checkpoint holds one per trainable parameter"),
        row("a velocity of another shape", (m, t) -> t.replaceAll(e -> e.name().equals("optimizer.velocity.CONV1.weight")
                ? new SafeTensors.Entry(e.name(), new int[] {150}, e.values()) : e),
            "tensor optimizer.velocity.CONV1.weight has shape [150]; its parameter has [6, 1, 5, 5]"),
        row("a velocity for no parameter", (m, t) -> t.add(new SafeTensors.Entry("optimizer.velocity.FC9.bias", new int[] {3}, new float[3])),
            "tensor optimizer.velocity.FC9.bias is not part of the architecture"));
  }

  /** The same edits to an Adam checkpoint: two slots, a step count, settings in the metadata. */
  static Stream<Arguments> badAdamCheckpoints() {
    return Stream.of(
        row("a second moment missing", (m, t) -> t.removeIf(e -> e.name().equals("optimizer.exp_avg_sq.FC4.bias")),
            "has no optimiser state optimizer.exp_avg_sq.FC4.bias; a checkpoint holds one per trainable parameter"),
        row("optimiser metadata not JSON", (m, t) -> m.put("optimizer", "{\"steps\": 3"),
            "metadata 'optimizer' is not an optimiser Hubel can resume from: Unexpected end-of-input"),
        row("optimiser metadata without its steps", (m, t) -> m.put("optimizer", m.get("optimizer").replace("\"steps\":40,", "")),
            "metadata 'optimizer' is not an optimiser Hubel can resume from: Missing creator property 'steps'"),
        row("an impossible beta", (m, t) -> m.put("optimizer", m.get("optimizer").replace("\"beta2\":0.999", "\"beta2\":1.5")),
            "beta2 must be in [0, 1), received 1.5"),
        row("a slot Adam does not keep", (m, t) -> {
          m.put("optimizer", m.get("optimizer").replace("\"exp_avg_sq\"]", "\"exp_avg_sq\",\"velocity\"]"));
          for (var e : List.copyOf(t)) {
            if (e.name().startsWith("optimizer.exp_avg.")) t.add(new SafeTensors.Entry(e.name().replace("exp_avg", "velocity"), e.shape(), e.values()));
          }
        }, "holds optimiser state that its optimiser (adam, lr 0.001, betas 0.9 0.999, epsilon 1.0E-8) cannot take: "
            + "adam keeps no state 'velocity'; it keeps exp_avg, exp_avg_sq"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badAdamCheckpoints")
  void anAdamCheckpointIsRefusedWithTheFileAndTheReason(String what, BiConsumer<Map<String, String>, List<SafeTensors.Entry>> edit,
                                                        String message) {
    Model lenet = LeNet5.build();
    Optimizer adam = OptimizerConfig.adam(1e-3f, 0f).build(lenet.params());
    adam.restore(Map.of("exp_avg", adam.state("exp_avg"), "exp_avg_sq", adam.state("exp_avg_sq")), 40);
    TrainingState state = new TrainingState(new TrainConfig(4, 8, 0.05f, 0.9f, 5e-4f, 0.5f, 7), 2, 40, 0.025f);
    refused(lenet, adam, state, edit, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCheckpoints")
  void isRefusedWithTheFileAndTheReason(String what, BiConsumer<Map<String, String>, List<SafeTensors.Entry>> edit, String message) {
    Model lenet = LeNet5.build();
    TrainingState state = new TrainingState(new TrainConfig(4, 8, 0.05f, 0.9f, 5e-4f, 0.5f, 7), 2, 40, 0.025f);
    refused(lenet, new Sgd(lenet.params(), 0.1f, 0.9f, 0f), state, edit, message);
  }

  private void refused(Model lenet, Optimizer sgd, TrainingState state, BiConsumer<Map<String, String>, List<SafeTensors.Entry>> edit,
                       String message) {
    Map<String, String> meta = new LinkedHashMap<>(Checkpoint.metadata(lenet, sgd, state));
    List<SafeTensors.Entry> tensors = new ArrayList<>(Checkpoint.tensors(lenet, sgd));
    edit.accept(meta, tensors);
    Path f = dir.resolve("bad.safetensors");
    SafeTensors.write(f, meta, tensors);
    assertThatThrownBy(() -> Checkpoint.load(f))
        .isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining(message);
  }
}
