package dev.hubel.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The folded ops against what numpy gives for the same arguments (worked out by hand, small). */
class ConstantFoldingTest {
  static final long N = Constant.BATCH;

  static Constant longs(int[] dims, long... v) {
    return Constant.longs(dims, v);
  }

  static Constant vector(long... v) {
    return longs(new int[] {v.length}, v);
  }

  static int[] d(int... dims) {
    return dims;
  }

  static Arguments row(String what, Supplier<Constant> fold, int[] dims, long... values) {
    return Arguments.of(what, fold, dims, values);
  }

  static Stream<Arguments> folds() {
    Constant m = longs(d(3, 2), 1, 2, 3, 4, 5, 6);  // [[1, 2], [3, 4], [5, 6]]
    Constant shape = vector(N, 16, 5, 5);            // Shape of a (N, 16, 5, 5) activation
    return Stream.of(
        row("np.take(m, [2, 0], 0)", () -> ConstantFolding.gather(m, vector(2, 0), 0, "t"), d(2, 2), 5, 6, 1, 2),
        row("np.take(m, [-1], 1)", () -> ConstantFolding.gather(m, vector(-1), 1, "t"), d(3, 1), 2, 4, 6),
        row("shape[0], a scalar index", () -> ConstantFolding.gather(shape, longs(d(), 0), 0, "t"), d(), N),
        row("np.expand_dims(n, 0)", () -> ConstantFolding.unsqueeze(longs(d(), N), new long[] {0}, "t"), d(1), N),
        row("np.concatenate([[N], [-1]])", () -> ConstantFolding.concat(List.of(vector(N), vector(-1)), 0, "t"), d(2), N, -1),
        row("np.concatenate(axis 1)", () -> ConstantFolding.concat(List.of(m, m), 1, "t"), d(3, 4), 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6),
        row("np.arange(10)[2:-2:3]", () -> ConstantFolding.slice(vector(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), new long[] {2}, new long[] {-2},
            null, new long[] {3}, "t"), d(2), 2, 5),
        row("np.arange(6)[::-2]", () -> ConstantFolding.slice(vector(0, 1, 2, 3, 4, 5), new long[] {-1}, new long[] {Long.MIN_VALUE},
            new long[] {0}, new long[] {-2}, "t"), d(3), 5, 3, 1),
        row("shape[2:] (ends past the end)", () -> ConstantFolding.slice(shape, new long[] {2}, new long[] {Long.MAX_VALUE}, null, null, "t"),
            d(2), 5, 5),
        row("m.T", () -> ConstantFolding.transpose(m, null, "t"), d(2, 3), 1, 3, 5, 2, 4, 6),
        row("np.squeeze on axis 1", () -> ConstantFolding.squeeze(longs(d(2, 1), 7, 8), new long[] {1}, "t"), d(2), 7, 8),
        row("m * [10, 100]", () -> ConstantFolding.arithmetic("Mul", m, vector(10, 100), "t"), d(3, 2), 10, 200, 30, 400, 50, 600),
        row("[[1], [2]] + [10, 20, 30]", () -> ConstantFolding.arithmetic("Add", longs(d(2, 1), 1, 2), vector(10, 20, 30), "t"),
            d(2, 3), 11, 21, 31, 12, 22, 32),
        row("-7 // 2 as C truncates", () -> ConstantFolding.arithmetic("Div", vector(-7), vector(2), "t"), d(1), -3),
        row("np.full([2, 2], 3)", () -> ConstantFolding.constantOfShape(vector(2, 2), vector(3), "t"), d(2, 2), 3, 3, 3, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("folds")
  void foldsAsNumpyDoes(String what, Supplier<Constant> fold, int[] dims, long[] values) {
    Constant c = fold.get();
    assertThat(c.dims()).containsExactly(dims);
    assertThat(c.longs()).containsExactly(values);
  }

  @Test
  void arithmeticOnTheBatchSizeIsRefused() {
    assertThatThrownBy(() -> ConstantFolding.arithmetic("Mul", vector(N, 4), vector(2), "node 7 'mul' (Mul)"))
        .isInstanceOf(OnnxException.class)
        .hasMessage("node 7 'mul' (Mul): Mul on the batch size, which is not known until the model runs; Hubel folds shape arithmetic"
            + " that keeps the batch as it is");
  }

  @Test
  void indicesOutsideTheDataAreRefused() {
    assertThatThrownBy(() -> ConstantFolding.gather(vector(1, 2, 3), vector(3), 0, "g"))
        .isInstanceOf(OnnxException.class).hasMessage("g: Gather index 3 is outside 0..2 along axis 0");
  }
}
