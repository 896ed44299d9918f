package dev.hubel.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.kernel.WorkerPool;
import dev.hubel.zoo.LeNet5;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-layer times behind {@code hubel bench --profile}. */
class PlanProfileTest {

  @Test
  void timesEveryLayerOfTheTrainingStepsSinceProfilingStarted() {
    Model lenet = LeNet5.build().initialize(Init.HE, 1);
    Plan plan = lenet.compile(8, new WorkerPool(1));
    int[] labels = new int[8];
    plan.trainStep(8, labels);  // before profiling: not counted
    plan.setProfiling(true);
    for (int i = 0; i < 3; i++) plan.trainStep(8, labels);
    List<Plan.StepTime> times = plan.profile(3);

    assertThat(times).extracting(Plan.StepTime::node)
        .containsExactlyElementsOf(lenet.nodes().stream().map(Node::name).toList());
    Plan.StepTime conv1 = times.stream().filter(t -> t.node().equals("CONV1")).findFirst().orElseThrow();
    assertThat(conv1.kind()).isEqualTo("CONV");
    assertThat(conv1.forwardMillis()).isPositive();
    assertThat(conv1.backwardMillis()).isPositive();
    assertThat(times.get(0).backwardMillis()).as("the input has no backward step").isZero();
    assertThat(plan.zeroingMillis(3)).isPositive();
  }

  @Test
  void stoppingProfilingForgetsTheTimes() {
    Plan plan = LeNet5.build().initialize(Init.HE, 1).compile(2, new WorkerPool(1));
    plan.setProfiling(true);
    plan.forward(2, false);
    plan.setProfiling(false);
    assertThatThrownBy(() -> plan.profile(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("setProfiling(true)");
    plan.setProfiling(true);
    assertThat(plan.profile(1)).allSatisfy(t -> assertThat(t.totalMillis()).isZero());
  }
}
