package dev.hubel.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hubel.model.Model;
import dev.hubel.tensor.Param;
import dev.hubel.train.Sgd;
import dev.hubel.train.TrainingState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A training run saved to resume it: a model file ({@link ModelFile}: weights, running statistics,
 * architecture) plus the optimiser's velocity for each trainable parameter, as tensors named
 * {@code optimizer.velocity.CONV1.weight}, and the {@link TrainingState} as JSON in the metadata.
 * One safetensors file, written atomically; {@link ModelFile#load} reads it as a model too.
 */
public final class Checkpoint {
  static final String FORMAT = "hubel-checkpoint";
  static final String TRAINING_STATE = "training_state";
  /** Prefix of the optimiser's tensors; the rest of the name is the parameter's. */
  public static final String VELOCITY = "optimizer.velocity.";
  // Records are written by their components only: a derived "isX()" (Augmentation.isNone) is not state.
  private static final JsonMapper JSON = JsonMapper.builder()
      .visibility(com.fasterxml.jackson.annotation.PropertyAccessor.IS_GETTER,
          com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
      .build();

  private Checkpoint() {}

  /**
   * A checkpoint read back.
   *
   * @param velocities one per trainable parameter of the model, in its order: what {@link Sgd#restore} takes
   */
  public record Loaded(Model model, List<float[]> velocities, TrainingState state) {
    /** An optimiser over the model as it was when saved: learning rate, momentum, decay and velocities. */
    public Sgd optimizer() {
      Sgd sgd = new Sgd(model.params(), state.learningRate(), state.config().momentum(), state.config().weightDecay());
      sgd.restore(velocities);
      return sgd;
    }
  }

  /** Writes the run's state to {@code file} atomically; {@code sgd} must be the optimiser over {@code model}'s parameters. */
  public static void save(Path file, Model model, Sgd sgd, TrainingState state) {
    SafeTensors.write(file, metadata(model, state), tensors(model, sgd));
  }

  static Map<String, String> metadata(Model model, TrainingState state) {
    Map<String, String> metadata = ModelFile.metadata(model, FORMAT);
    try {
      metadata.put(TRAINING_STATE, JSON.writeValueAsString(state));
    } catch (JacksonException e) {
      throw new IllegalStateException("the training state is not JSON: " + e.getOriginalMessage(), e);
    }
    return metadata;
  }

  /** The model's parameters, then one velocity per parameter the optimiser moves. */
  static List<SafeTensors.Entry> tensors(Model model, Sgd sgd) {
    List<Param> moved = sgd.params();
    List<Param> trainable = model.params().stream().filter(Param::trainable).toList();
    boolean same = moved.size() == trainable.size();
    for (int i = 0; same && i < moved.size(); i++) same = moved.get(i) == trainable.get(i);
    if (!same) {
      throw new IllegalArgumentException("the optimiser does not move the parameters of " + model.name()
          + "; build it with new Sgd(model.params(), ...)");
    }
    List<SafeTensors.Entry> tensors = ModelFile.weights(model);
    List<float[]> velocities = sgd.velocities();
    for (int i = 0; i < moved.size(); i++) {
      Param p = moved.get(i);
      tensors.add(new SafeTensors.Entry(VELOCITY + p.name(), p.shape().dims(), velocities.get(i)));
    }
    return tensors;
  }

  /** The model, the optimiser's velocities and the training state saved in {@code file}. */
  public static Loaded load(Path file) {
    try (SafeTensors st = SafeTensors.open(file)) {
      Model model = ModelFile.build(st);
      if (ModelFile.MODEL_FORMAT.equals(st.metadata().get(ModelFile.FORMAT))) {
        throw new ModelFileException(file, "is a model file, not a checkpoint: it holds no optimiser state to resume from;"
            + " load it with ModelFile.load");
      }
      String stateJson = st.metadata().get(TRAINING_STATE);
      if (stateJson == null) throw new ModelFileException(file, "metadata has no 'training_state'; a checkpoint needs it to resume");
      TrainingState state;
      try {
        state = JSON.readValue(stateJson, TrainingState.class);
      } catch (JacksonException e) {
        throw new ModelFileException(file, "metadata 'training_state' is not a training state Hubel can resume from: "
            + JsonText.problem(e), e);
      }
      List<Param> trainable = model.params().stream().filter(Param::trainable).toList();
      for (Param p : trainable) {
        String name = VELOCITY + p.name();
        SafeTensors.Info t = st.info(name);
        if (t == null) throw new ModelFileException(file, "has no optimiser state " + name + "; a checkpoint holds one per trainable parameter");
        if (!Arrays.equals(t.shape(), p.shape().dims())) {
          throw new ModelFileException(file, "tensor " + name + " has shape " + Arrays.toString(t.shape()) + "; its parameter has "
              + Arrays.toString(p.shape().dims()));
        }
      }
      ModelFile.fill(st, model);
      List<float[]> velocities = new ArrayList<>();
      for (Param p : trainable) velocities.add(st.read(VELOCITY + p.name()));
      return new Loaded(model, velocities, state);
    }
  }
}
