package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.kernel.GemmTest.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The product split over threads is bit for bit the single-threaded one, on any thread count. */
class ParallelGemmTest {

  private static final WorkerPool TWO = new WorkerPool(2);
  private static final WorkerPool THREE = new WorkerPool(3);

  private static void assertSameAsOneThread(Problem p) {
    float[] single = p.runPublic();
    for (WorkerPool pool : new WorkerPool[] {TWO, THREE}) {
      float[] out = p.c().clone();
      new ParallelGemm(pool).sgemm(p.transA(), p.transB(), p.m(), p.n(), p.k(), p.a(), p.aOff(), p.lda(),
          p.b(), p.bOff(), p.ldb(), out, p.cOff(), p.ldc(), p.accumulate());
      // AssertJ's containsExactly is slow on a million floats; find the first difference instead
      int differs = java.util.Arrays.mismatch(out, single);
      assertThat(differs).as("first index that differs on %d threads", pool.threads()).isEqualTo(-1);
    }
  }

  @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
  @MethodSource("dev.hubel.kernel.GemmTest#oddShapes")
  void oddShapes(boolean transA, boolean transB, int m, int n, int k) {
    assertSameAsOneThread(Problem.random(11L * m + n + 3L * k, transA, transB, m, n, k, 2, 1, k % 2 == 1));
  }

  /** Shapes that do split: by columns, by rows (narrow C), a batch-1 dense layer, a conv layer. */
  @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
  @CsvSource({
      "false, false, 64, 3136, 576",
      "false, true, 300, 100, 500",
      "true, false, 2048, 49, 512",
      "true, true, 257, 7, 1000",
      "false, true, 1, 4096, 1000",
      "false, true, 3, 1000, 4096",
      "false, true, 16, 300, 1100",
      "false, true, 13, 4096, 1024",
      "false, false, 1000, 1000, 1",
  })
  void splitShapes(boolean transA, boolean transB, int m, int n, int k) {
    assertSameAsOneThread(Problem.random(m + 13L * n, transA, transB, m, n, k, 0, 3, false));
  }

  @ParameterizedTest(name = "{0} items in {1} pieces aligned to {2}")
  @CsvSource({"1000, 3, 64", "63, 2, 64", "257, 4, 6", "7, 2, 6"})
  void panelsCoverEverythingOnceInAlignedSteps(int size, int pieces, int align) {
    int covered = 0;
    for (int p = 0; p < pieces; p++) {
      int start = ParallelGemm.panelStart(p, pieces, size, align);
      assertThat(start).isEqualTo(covered);
      if (p > 0) assertThat(start % align).isZero();
      covered = ParallelGemm.panelStart(p + 1, pieces, size, align);
      assertThat(covered).isGreaterThanOrEqualTo(start);
    }
    assertThat(covered).isEqualTo(size);
  }
}
