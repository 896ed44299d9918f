package dev.hubel.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hubel.model.Model;
import dev.hubel.tensor.Param;
import dev.hubel.train.Optimizer;
import dev.hubel.train.OptimizerConfig;
import dev.hubel.train.Sgd;
import dev.hubel.train.TrainingState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training run saved to resume it: a model file ({@link ModelFile}: weights, running statistics,
 * architecture) plus the optimiser's state, one tensor per slot and trainable parameter, named
 * {@code optimizer.<slot>.<parameter>} ({@code optimizer.velocity.CONV1.weight} for SGD,
 * {@code optimizer.exp_avg.CONV1.weight} and {@code optimizer.exp_avg_sq.CONV1.weight} for Adam),
 * the optimiser's settings and step count as JSON in the metadata ({@value #OPTIMIZER}), and the
 * {@link TrainingState} likewise. One safetensors file, written atomically; {@link ModelFile#load}
 * reads it as a model too.
 */
public final class Checkpoint {
  static final String FORMAT = "hubel-checkpoint";
  static final String TRAINING_STATE = "training_state";
  static final String OPTIMIZER = "optimizer";
  /** Prefix of the optimiser's tensors; the slot's name, a dot and the parameter's name follow. */
  public static final String STATE = "optimizer.";
  /** Prefix of SGD's tensors; the rest of the name is the parameter's. */
  public static final String VELOCITY = STATE + Sgd.VELOCITY + ".";
  // Records are written by their components only: a derived "isX()" (Augmentation.isNone) is not state.
  private static final JsonMapper JSON = JsonMapper.builder()
      .visibility(com.fasterxml.jackson.annotation.PropertyAccessor.IS_GETTER,
          com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
      .build();

  private Checkpoint() {}

  /**
   * What the metadata says of the optimiser: its settings, the steps it has taken, the names of
   * its state slots (which name its tensors).
   */
  record OptimizerRecord(OptimizerConfig config, long steps, List<String> slots) {}

  /**
   * A checkpoint read back.
   *
   * @param optimizerConfig the optimiser's settings when saved
   * @param optimizerState per slot, one array per trainable parameter of the model, in its order
   * @param optimizerSteps the updates it had taken
   */
  public record Loaded(Model model, OptimizerConfig optimizerConfig, Map<String, List<float[]>> optimizerState,
                       long optimizerSteps, TrainingState state) {

    /** An optimiser over the model as it was when saved: its kind and settings, learning rate, state and steps. */
    public Optimizer optimizer() {
      Optimizer o = optimizerConfig.build(model.params());
      o.setLearningRate(state.learningRate());
      o.restore(optimizerState, optimizerSteps);
      return o;
    }

    /** Sets {@code o}'s state (a run's optimiser, built from the same settings) to the saved one. */
    public void restoreInto(Optimizer o) {
      o.restore(optimizerState, optimizerSteps);
    }

    /** SGD's momentum buffers, one per trainable parameter: what {@link Sgd#restore(List)} takes. */
    public List<float[]> velocities() {
      List<float[]> v = optimizerState.get(Sgd.VELOCITY);
      if (v == null) throw new IllegalStateException("this checkpoint's optimiser is " + optimizerConfig.kind() + ", which keeps no velocities");
      return v;
    }
  }

  /** Writes the run's state to {@code file} atomically; {@code optimizer} must move {@code model}'s parameters. */
  public static void save(Path file, Model model, Optimizer optimizer, TrainingState state) {
    SafeTensors.write(file, metadata(model, optimizer, state), tensors(model, optimizer));
  }

  static Map<String, String> metadata(Model model, Optimizer optimizer, TrainingState state) {
    Map<String, String> metadata = ModelFile.metadata(model, FORMAT);
    try {
      metadata.put(TRAINING_STATE, JSON.writeValueAsString(state));
      metadata.put(OPTIMIZER, JSON.writeValueAsString(new OptimizerRecord(optimizer.config(), optimizer.steps(), optimizer.slots())));
    } catch (JacksonException e) {
      throw new IllegalStateException("the training state is not JSON: " + e.getOriginalMessage(), e);
    }
    return metadata;
  }

  /** The model's parameters, then for each slot of the optimiser's state one tensor per parameter it moves. */
  static List<SafeTensors.Entry> tensors(Model model, Optimizer optimizer) {
    List<Param> moved = optimizer.params();
    List<Param> trainable = model.params().stream().filter(Param::trainable).toList();
    boolean same = moved.size() == trainable.size();
    for (int i = 0; same && i < moved.size(); i++) same = moved.get(i) == trainable.get(i);
    if (!same) {
      throw new IllegalArgumentException("the optimiser does not move the parameters of " + model.name()
          + "; build it over model.params() (OptimizerConfig.build(model.params()))");
    }
    List<SafeTensors.Entry> tensors = ModelFile.weights(model);
    for (String slot : optimizer.slots()) {
      List<float[]> arrays = optimizer.state(slot);
      for (int i = 0; i < moved.size(); i++) {
        Param p = moved.get(i);
        tensors.add(new SafeTensors.Entry(STATE + slot + "." + p.name(), p.shape().dims(), arrays.get(i)));
      }
    }
    return tensors;
  }

  /** The prefixes of the optimiser's tensors the metadata announces ({@code optimizer.velocity.} when it says nothing). */
  static Set<String> statePrefixes(Map<String, String> metadata) {
    Set<String> prefixes = new HashSet<>();
    prefixes.add(VELOCITY);
    String json = metadata.get(OPTIMIZER);
    if (json == null) return prefixes;
    try {
      for (var slot : JSON.readTree(json).path("slots")) prefixes.add(STATE + slot.asText() + ".");
    } catch (JacksonException e) {
      // load() reports the broken metadata with its reason; here it only widens what counts as optimiser state
    }
    return prefixes;
  }

  /** The model, the optimiser's state and the training state saved in {@code file}. */
  public static Loaded load(Path file) {
    try (SafeTensors st = SafeTensors.open(file)) {
      Model model = ModelFile.build(st);
      if (ModelFile.MODEL_FORMAT.equals(st.metadata().get(ModelFile.FORMAT))) {
        throw new ModelFileException(file, "is a model file, not a checkpoint: it holds no optimiser state to resume from;"
            + " load it with ModelFile.load");
      }
      TrainingState state = read(file, st, TRAINING_STATE, TrainingState.class, "a training state");
      OptimizerRecord optimizer = st.metadata().containsKey(OPTIMIZER)
          ? read(file, st, OPTIMIZER, OptimizerRecord.class, "an optimiser")
          // written before optimisers other than SGD: the config's SGD, one velocity slot
          : new OptimizerRecord(state.config().optimizer(), state.iteration(), List.of(Sgd.VELOCITY));
      List<Param> trainable = model.params().stream().filter(Param::trainable).toList();
      for (String slot : optimizer.slots()) {
        for (Param p : trainable) {
          String name = STATE + slot + "." + p.name();
          SafeTensors.Info t = st.info(name);
          if (t == null) throw new ModelFileException(file, "has no optimiser state " + name + "; a checkpoint holds one per trainable parameter");
          if (!Arrays.equals(t.shape(), p.shape().dims())) {
            throw new ModelFileException(file, "tensor " + name + " has shape " + Arrays.toString(t.shape()) + "; its parameter has "
                + Arrays.toString(p.shape().dims()));
          }
        }
      }
      ModelFile.fill(st, model);
      Map<String, List<float[]>> slots = new LinkedHashMap<>();
      for (String slot : optimizer.slots()) {
        List<float[]> arrays = new ArrayList<>();
        for (Param p : trainable) arrays.add(st.read(STATE + slot + "." + p.name()));
        slots.put(slot, arrays);
      }
      Loaded loaded = new Loaded(model, optimizer.config(), slots, optimizer.steps(), state);
      try {
        loaded.optimizer();  // the saved slots must be the ones its optimiser keeps
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(file, "holds optimiser state that its optimiser (" + optimizer.config() + ") cannot take: "
            + e.getMessage(), e);
      }
      return loaded;
    }
  }

  private static <T> T read(Path file, SafeTensors st, String key, Class<T> type, String what) {
    String json = st.metadata().get(key);
    if (json == null) throw new ModelFileException(file, "metadata has no '" + key + "'; a checkpoint needs it to resume");
    try {
      return JSON.readValue(json, type);
    } catch (JacksonException e) {
      throw new ModelFileException(file, "metadata '" + key + "' is not " + what + " Hubel can resume from: "
          + JsonText.problem(e), e);
    }
  }
}
