package dev.hubel.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.data.Dataset;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.model.Normalization;
import dev.hubel.tensor.Shape;
import dev.hubel.zoo.LeNet5;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnsembleTest {

  /** Three LeNets a little trained from different seeds, one with a normalisation of its own, so they disagree. */
  private static List<Model> members(Dataset data) {
    Model a = LeNet5.build(1, 4).initialize(Init.HE, 1), b = LeNet5.build(1, 4).initialize(Init.HE, 2), c = LeNet5.build(1, 4).initialize(Init.HE, 3);
    c.setNormalization(new Normalization(new float[] {0.3f}, new float[] {0.7f}));
    TrainConfig cfg = new TrainConfig(1, 16, 0.003f, 0.9f, 0f, 1);
    for (Model m : List.of(a, b, c)) new TrainingRun(m, data, cfg).prefetch(false).train();
    return List.of(a, b, c);
  }

  @Test
  void averagesTheMembersProbabilitiesAndScoresEachMemberAndTheWhole() {
    Dataset train = DeterminismTest.quadrants(64, 5), test = DeterminismTest.quadrants(50, 6);
    List<Model> ms = members(train);
    Ensemble e = Ensemble.of(List.of("a.safetensors", "b.safetensors", "c.safetensors"), ms);
    Ensemble.Result r = e.evaluate(test, 16);

    int right = 0;
    double loss = 0;
    for (int i = 0; i < test.size(); i++) {
      float[] x = test.example(i);
      float[] avg = e.predict(x);
      float[] expected = new float[4];
      for (Model m : ms) {
        float[] p = m.predict(x);
        for (int j = 0; j < 4; j++) expected[j] += p[j] / 3;
      }
      for (int j = 0; j < 4; j++) assertThat(avg[j]).isCloseTo(expected[j], org.assertj.core.api.Assertions.within(1e-6f));
      int best = 0;
      for (int j = 1; j < 4; j++) if (avg[j] > avg[best]) best = j;
      if (best == test.labels()[i]) right++;
      loss -= Math.log(avg[test.labels()[i]]);
    }
    assertThat(r.ensemble().accuracy()).isEqualTo(right / 50.0);
    assertThat(r.ensemble().loss()).isCloseTo(loss / 50, org.assertj.core.api.Assertions.within(1e-5));
    assertThat(r.ensemble().count()).isEqualTo(50);
    for (int i = 0; i < 3; i++) {
      Evaluation alone = Evaluation.of(ms.get(i), test, 16);
      assertThat(r.members().get(i).accuracy()).as("member %d", i).isEqualTo(alone.accuracy());
      assertThat(r.members().get(i).loss()).isCloseTo(alone.loss(), org.assertj.core.api.Assertions.within(1e-9));
      assertThat(r.memberError(i)).isEqualTo(1 - alone.accuracy());
    }
    assertThat(r.members()).extracting(Evaluation::accuracy).doesNotHaveDuplicates();
    assertThat(r.render()).startsWith("a.safetensors  top-1 error ").contains("\nensemble       top-1 error ")
        .containsPattern("the ensemble of 3 (beats|trails|ties with) the best member \\([abc].safetensors\\)");
  }

  static Stream<Arguments> mismatched() {
    Model lenet = LeNet5.build(1, 4);
    return Stream.of(
        Arguments.of("no members", List.of(), "an ensemble needs at least one member"),
        Arguments.of("other inputs", List.of(lenet, LeNet5.build(10, Shape.chw(1, 28, 28))),
            "ensemble members must take the same inputs: member 1 (LeNet-5) takes [32x32x1], member 2 (LeNet-5) takes [28x28x1]"),
        Arguments.of("more classes", List.of(lenet, LeNet5.build(1, 4), LeNet5.build(1, 10)),
            "ensemble members must predict the same classes: member 1 has 4 classes, member 3 has 10"),
        Arguments.of("classes named otherwise", List.of(LeNet5.build(1, 4).setClassNames(List.of("a", "b", "c", "d")),
                LeNet5.build(1, 4).setClassNames(List.of("a", "b", "x", "d"))),
            "ensemble members must predict the same classes: class 2 is 'c' for member 1 but 'x' for member 2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void mismatched(String what, List<Model> members, String message) {
    assertThatThrownBy(() -> Ensemble.of(members)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void refusesDataItsMembersCannotTake() {
    Ensemble e = Ensemble.of(List.of(LeNet5.build(1, 4)));
    Dataset small = new Dataset("tiny", Shape.chw(1, 8, 8), new float[64], new int[1], new String[] {"a"});
    assertThatThrownBy(() -> e.evaluate(small, 8)).hasMessageStartingWith("LeNet-5 takes examples of [32x32x1]");
  }
}
