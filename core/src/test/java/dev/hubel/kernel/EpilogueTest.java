package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A product with an epilogue gives, bit for bit, the product followed by the passes apart: bias
 * added, then (v - mean) * scale + shift, then a residual added, then max(0, v). On both kernels, on odd shapes, with the
 * last k block after others (k = 300, past the kernel's blocks of 128), accumulating or not, and with
 * the per-row arrays read from an offset.
 */
class EpilogueTest {

  private static final GemmKernel[] KERNELS = {new ScalarGemm(), new VectorGemm()};

  /** Which steps are on: bias, norm, relu. */
  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    int[] sizes = {1, 3, 7, 33, 257};
    int seed = 0;
    for (int m : sizes) {
      for (int n : sizes) {
        for (int k : new int[] {1, 7, 300}) {
          seed++;
          boolean bias = seed % 2 == 0, norm = seed % 3 != 0, relu = seed % 5 != 1;
          cases.add(Arguments.of(m, n, k, seed % 4 == 1, seed % 7 == 3, bias, norm, seed % 3 == 1, relu, seed % 2 == 1));
        }
      }
    }
    // the blocked kernel's tiles past 192 rows and 2048 columns, in place and packed
    cases.add(Arguments.of(200, 2100, 5, false, false, true, true, true, true, false));
    cases.add(Arguments.of(130, 70, 260, false, true, true, true, true, false, true));
    return cases.stream();
  }

  @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4} bias={5} norm={6} residual={7} relu={8} accumulate={9}")
  @MethodSource("cases")
  void finishesAsThePassesApartWould(int m, int n, int k, boolean transA, boolean transB,
                                     boolean bias, boolean norm, boolean residual, boolean relu, boolean accumulate) {
    Random random = new Random(31L * m + 17L * n + k);
    int first = 2, rows = first + m + 1;
    float[] a = values(random, m * k), b = values(random, k * n), c0 = values(random, m * n);
    float[] biases = values(random, rows), mean = values(random, rows), scale = values(random, rows),
        shift = values(random, rows), shortcut = values(random, m * n);
    Epilogue epilogue = new Epilogue().set(first, bias ? biases : null, norm ? mean : null,
        norm ? scale : null, norm ? shift : null, residual ? shortcut : null, relu);
    int lda = transA ? m : k, ldb = transB ? k : n;
    for (GemmKernel kernel : KERNELS) {
      float[] expected = c0.clone(), got = c0.clone();
      kernel.multiply(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, expected, 0, n, accumulate);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float v = expected[i * n + j];
          if (bias) v = v + biases[first + i];
          if (norm) v = (v - mean[first + i]) * scale[first + i] + shift[first + i];
          if (residual) v = v + shortcut[i * n + j];
          if (relu) v = Math.max(0f, v);
          expected[i * n + j] = v;
        }
      }
      kernel.multiply(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, got, 0, n, accumulate, epilogue);
      for (int x = 0; x < got.length; x++) {
        assertThat(Float.floatToRawIntBits(got[x])).as("%s, entry (%d, %d)", kernel.getClass().getSimpleName(), x / n, x % n)
            .isEqualTo(Float.floatToRawIntBits(expected[x]));
      }
    }
  }

  @Test
  void throughGemmMatchesTheKernel() {
    Random random = new Random(5);
    float[] a = values(random, 40 * 30), b = values(random, 30 * 50), bias = values(random, 40);
    float[] viaGemm = new float[40 * 50], viaKernel = new float[40 * 50];
    Epilogue epilogue = new Epilogue().set(0, bias, null, null, null, true);
    Gemm.sgemm(false, false, 40, 50, 30, a, 0, 30, b, 0, 50, viaGemm, 0, 50, false, epilogue);
    Kernels.GEMM.multiply(false, false, 40, 50, 30, a, 0, 30, b, 0, 50, viaKernel, 0, 50, false, epilogue);
    assertThat(viaGemm).containsExactly(viaKernel);
    for (float v : viaGemm) assertThat(v).isGreaterThanOrEqualTo(0f);
  }

  @Test
  void rejectsPerRowArraysTooShortForC() {
    float[] a = new float[6], b = new float[6], c = new float[9];
    Epilogue epilogue = new Epilogue().set(1, new float[3], null, null, null, false);
    assertThatThrownBy(() -> Gemm.sgemm(false, false, 3, 3, 2, a, 0, 2, b, 0, 3, c, 0, 3, false, epilogue))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bias holds 3 values; rows 1..3 of C need length >= 4");
    assertThat(c).containsOnly(0f);
  }

  @Test
  void rejectsAResidualShorterThanC() {
    float[] a = new float[6], b = new float[6], c = new float[9];
    Epilogue epilogue = new Epilogue().set(0, null, null, null, null, new float[8], false);
    assertThatThrownBy(() -> Gemm.sgemm(false, false, 3, 3, 2, a, 0, 2, b, 0, 3, c, 0, 3, false, epilogue))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("residual holds 8 values; it is read at C's indices, up to 8");
  }

  @Test
  void aNormNeedsItsThreeArrays() {
    assertThatThrownBy(() -> new Epilogue().set(0, null, new float[2], null, new float[2], false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mean, scale and shift must be given together");
  }

  private static float[] values(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = random.nextFloat() * 2 - 1;
    return v;
  }
}
