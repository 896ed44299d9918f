package dev.hubel.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transposition that packs a transposed B, against an element-by-element copy: exact. With
 * 512-bit vectors (this project's hosts) the squares run in registers; elsewhere the copy alone.
 */
class VectorTransposeTest {

  @ParameterizedTest(name = "rows={0} cols={1} lds={2} ldo={3}")
  @CsvSource({
      "1, 1, 1, 1",
      "16, 16, 16, 16",
      "16, 128, 1088, 64",   // ResNet-20's dw: 16 filters, a k block of 128, packed 64 wide
      "32, 128, 288, 64",
      "17, 33, 40, 20",      // a square and a row and column past it
      "15, 16, 16, 15",      // no whole square: copied one by one
      "48, 257, 300, 64",
      "64, 7, 7, 64",
  })
  void matchesTheElementByElementCopy(int rows, int cols, int lds, int ldo) {
    SplittableRandom random = new SplittableRandom(rows * 1000L + cols);
    int srcOff = 3, outOff = 5;
    float[] src = new float[srcOff + (rows - 1) * lds + cols + 4];
    for (int i = 0; i < src.length; i++) src[i] = (float) random.nextDouble(-1, 1);
    float[] expected = new float[outOff + (cols - 1) * ldo + rows + 4];
    float[] actual = new float[expected.length];
    java.util.Arrays.fill(expected, -7f);
    java.util.Arrays.fill(actual, -7f);  // entries outside the block stay as they were
    for (int j = 0; j < rows; j++) {
      for (int p = 0; p < cols; p++) expected[outOff + p * ldo + j] = src[srcOff + j * lds + p];
    }
    VectorTranspose.transpose(src, srcOff, lds, rows, cols, actual, outOff, ldo);
    assertArrayEquals(expected, actual);
  }
}
