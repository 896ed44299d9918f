package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.tensor.Param;
import dev.hubel.zoo.LeNet5;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Optimiser, schedule and run settings a run cannot use are refused, saying what would be right. */
class TrainSettingsBadInputTest {
  private static final OptimizerConfig SGD = OptimizerConfig.sgd(0.01f, 0.9f, 5e-4f);
  private static final OptimizerConfig ADAM = OptimizerConfig.adam(1e-3f, 0);
  private static final TrainConfig CFG = new TrainConfig(3, 16, 0.01f, 0.9f, 5e-4f, 5);

  private static Arguments row(String what, Runnable make, String message) {
    return Arguments.of(what, make, message);
  }

  static Stream<Arguments> impossible() {
    Optimizer adam = ADAM.build(LeNet5.build().params());
    return Stream.of(
        row("negative learning rate", () -> OptimizerConfig.sgd(-0.1f, 0.9f, 0), "learning rate must be a positive number, received -0.1"),
        row("momentum 1", () -> SGD.withMomentum(1f), "momentum must be in [0, 1), received 1.0"),
        row("Nesterov without momentum", () -> SGD.withMomentum(0).withNesterov(true), "Nesterov momentum needs a momentum above 0, received 0.0"),
        row("Nesterov for Adam", () -> ADAM.withNesterov(true), "Nesterov momentum is SGD's; adam has none"),
        row("momentum for Adam", () -> ADAM.withMomentum(0.9f), "adam has no momentum setting (received 0.9); its beta1 plays that part"),
        row("beta1 of 1", () -> ADAM.withBetas(1f, 0.999f), "beta1 must be in [0, 1), received 1.0"),
        row("negative beta2", () -> ADAM.withBetas(0.9f, -0.1f), "beta2 must be in [0, 1), received -0.1"),
        row("epsilon 0", () -> ADAM.withEpsilon(0), "epsilon must be above 0, received 0.0"),
        row("alpha 1", () -> OptimizerConfig.rmsProp(0.01f, 0).withAlpha(1f), "alpha must be in [0, 1), received 1.0"),
        row("centered SGD", () -> SGD.withCentered(true), "centered is RMSprop's setting; sgd has none"),
        row("negative decay", () -> SGD.withWeightDecay(-1e-4f), "weight decay must be 0 or more, received -1.0E-4"),
        row("infinite decay group", () -> new ParamGroup("x", p -> true, Float.POSITIVE_INFINITY), "weight decay must be 0 or more, received Infinity"),
        row("a parameter in no group", () -> new Sgd(LeNet5.build().params(), List.of(new ParamGroup("weights", p -> p.role().decays(), 1e-4f)),
            0.1f, 0.9f, false), "CONV1.bias is in no parameter group; end the list with a group that takes every parameter, as ParamGroup.byRole does"),
        row("setting a rate of 0", () -> adam.setLearningRate(0), "learning rate must be a positive number, received 0.0"),
        row("restoring a slot Adam lacks", () -> adam.restore(Map.of("velocity", List.of()), 3),
            "adam keeps no state 'velocity'; it keeps exp_avg, exp_avg_sq"),
        row("restoring without a slot", () -> adam.restore(Map.of("exp_avg", adam.state("exp_avg")), 3),
            "no optimiser state 'exp_avg_sq' to restore; adam keeps exp_avg, exp_avg_sq"),
        row("restoring too few arrays", () -> adam.restore(Map.of("exp_avg", List.of(), "exp_avg_sq", List.of()), 3),
            "this optimiser moves 10 parameters; received 0 exp_avg arrays"),
        row("restoring negative steps", () -> adam.restore(Map.of(), -1), "steps taken must be 0 or more, received -1"),
        row("asking for a slot it lacks", () -> adam.state("square_avg"), "adam keeps no state 'square_avg'; it keeps exp_avg, exp_avg_sq"),
        row("plateau factor 1", () -> ScheduleConfig.plateau(1f, 2, 0), "the plateau schedule's factor must be in (0, 1), received 1.0; 0.1 divides the rate by 10"),
        row("step gamma 0", () -> ScheduleConfig.step(10, 0), "the step schedule's gamma must be in (0, 1], received 0.0; 0.1 divides the rate by 10"),
        row("step size 0", () -> ScheduleConfig.step(0, 0.1f), "the step size must be at least 1 epoch, received 0"),
        row("no milestones", () -> ScheduleConfig.multiStep(List.of(), 0.1f),
            "a multi-step schedule needs milestones, the epochs after which the rate is reduced"),
        row("milestones out of order", () -> ScheduleConfig.multiStep(List.of(30, 20), 0.1f),
            "milestones must be epochs from 1 up, each above the one before; received [30, 20]"),
        row("negative floor", () -> ScheduleConfig.cosine(-1e-3f), "the minimum learning rate must be 0 or more, received -0.001"),
        row("negative patience", () -> ScheduleConfig.plateau(0.1f, -1, 0), "patience must be 0 or more epochs, received -1"),
        row("threshold 1", () -> ScheduleConfig.plateau(0.1f, 1, 0).withThreshold(1f), "the threshold must be in [0, 1), received 1.0"),
        row("negative warm-up", () -> ScheduleConfig.constant().withWarmup(-1, 0.1f), "warm-up must be 0 or more epochs, received -1"),
        row("warm-up from 0", () -> ScheduleConfig.constant().withWarmup(1, 0f), "the warm-up's start factor must be in (0, 1], received 0.0"),
        row("negative cosine span", () -> ScheduleConfig.cosine(0).withCosineEpochs(-2),
            "the cosine schedule's epochs must be 0 (the whole run) or more, received -2"),
        row("label smoothing 1", () -> CFG.withLabelSmoothing(1f), "label smoothing must be in [0, 1), received 1.0; 0.1 is usual"),
        row("negative clipping", () -> CFG.withClipNorm(-1f), "the gradient-norm limit must be 0 (no clipping) or more, received -1.0"),
        row("negative patience to stop", () -> CFG.withEarlyStopping(-2), "early stopping's patience must be 0 (never) or more epochs, received -2"),
        row("no optimiser", () -> CFG.withOptimizer(null), "optimizer must be given, e.g. OptimizerConfig.sgd(0.01f, 0.9f, 5e-4f)"),
        row("no schedule", () -> CFG.withSchedule(null), "schedule must be given; ScheduleConfig.constant() for none"),
        row("lr decay above 1", () -> new TrainConfig(1, 1, 0.1f, 0, 0, 1.5f, 1), "the learning-rate decay per epoch must be in (0, 1], received 1.5"),
        row("plateau without validation figures", () -> ScheduleConfig.plateau(0.1f, 0, 0).schedule(0.1f, 5)
            .learningRate(2, List.of(new EpochResult(1, 5, 1, 0.5, Double.NaN, Double.NaN, 0.1f, 1, 1))),
            "the plateau schedule watches val_accuracy, but epoch 1 has no validation figures; hold out validation examples "
                + "(a validation fraction above 0)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void impossible(String what, Runnable make, String message) {
    assertThatThrownBy(make::run).hasMessage(message);
  }

  @Test
  void customGroupsDecayAsTheySayInTheModelsOrder() {
    List<Param> params = LeNet5.build().params();
    Sgd sgd = new Sgd(params, List.of(new ParamGroup("classifier", p -> p.name().startsWith("F"), 0.1f),
        new ParamGroup("rest", p -> true, 0f)), 0.1f, 0.9f, true);
    assertThat(sgd.params()).isEqualTo(params);
    for (int i = 0; i < params.size(); i++) {
      assertThat(sgd.weightDecay(i)).as(params.get(i).name()).isEqualTo(params.get(i).name().startsWith("F") ? 0.1f : 0f);
    }
    Optimizer byRole = SGD.build(params);
    for (int i = 0; i < params.size(); i++) {
      assertThat(byRole.weightDecay(i)).as(params.get(i).name()).isEqualTo(params.get(i).name().endsWith("weight") ? 5e-4f : 0f);
    }
    assertThat(SGD.withDecayAll(true).build(params).weightDecay(1)).isEqualTo(5e-4f);
  }

  @Test
  void settingsReadAsOneLine() {
    assertThat(SGD.withNesterov(true)).hasToString("sgd, lr 0.01, Nesterov momentum 0.9, weight decay 5.0E-4 on weights");
    assertThat(OptimizerConfig.adamW(1e-3f, 0.01f).withDecayAll(true))
        .hasToString("adamw, lr 0.001, betas 0.9 0.999, epsilon 1.0E-8, decoupled weight decay 0.01 on every parameter");
    assertThat(OptimizerConfig.rmsProp(0.01f, 0).withMomentum(0.5f).withCentered(true))
        .hasToString("rmsprop, lr 0.01, alpha 0.99, epsilon 1.0E-8, momentum 0.5, centered");
    assertThat(ScheduleConfig.plateau(0.1f, 2, 1e-5f))
        .hasToString("plateau on val_accuracy: x0.1 after more than 2 epochs without improvement, floor 1.0E-5");
    assertThat(ScheduleConfig.cosine(0).withWarmup(2, 0.1f)).hasToString("cosine to 0.0, after 2 epochs of linear warm-up from x0.1");
    assertThat(ScheduleConfig.multiStep(List.of(30, 60), 0.1f)).hasToString("multi-step: x0.1 after epochs [30, 60]");
  }
}
