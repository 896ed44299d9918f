package dev.hubel.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.tensor.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Numbers drawn as PNGs: layout of the tiles, and black for the smallest value, white for the largest. */
class PicturesTest {

  private static BufferedImage decode(Pictures.Picture p) throws Exception {
    String b64 = p.url().substring("data:image/png;base64,".length());
    return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
  }

  private static int grey(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFF;
  }

  @ParameterizedTest(name = "[{0}] -> {1}x{2}, {3} of {4} shown")
  @CsvSource({
      // C, H, W   width, height: cols = ceil(sqrt(shown)) tiles of W plus 1-pixel gaps
      "6 28 28,   86,  57,  6,   6",    // 3 x 2 tiles
      "16 10 10,  43,  43,  16,  16",   // 4 x 4
      "256 5 5,   47,  47,  64,  256",  // capped at 64 channels: 8 x 8
      "3 224 224, 225, 225, 3,   3",    // sampled down to 112 a side: 2 x 2 tiles, the fourth empty
      "120 1 1,   11,  11,  120, 120",  // 1x1 maps are a vector: an 11 x 11 square of cells
      "84,        10,  9,   84,  84",   // a vector of 84: 10 wide, 9 rows
      "300 56,    56,  256, 256, 300",  // a sequence (C, L) as C rows of L, at most 256 rows
  })
  void layersAreLaidOutAsTilesOfTheirMaps(String dims, int width, int height, int shown, int total) throws Exception {
    String[] d = dims.trim().split(" ");
    int[] shape = new int[d.length];
    for (int i = 0; i < d.length; i++) shape[i] = Integer.parseInt(d[i]);
    Shape s = new Shape(shape);
    float[] values = new float[s.size()];
    for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i);
    Pictures.Picture p = Pictures.activations(values, 0, s);
    assertThat(new int[] {p.width(), p.height(), p.shown(), p.total()}).containsExactly(width, height, shown, total);
    BufferedImage img = decode(p);
    assertThat(img.getWidth()).isEqualTo(width);
    assertThat(img.getHeight()).isEqualTo(height);
  }

  @Test
  void theSmallestValueIsBlackTheLargestWhiteAndTheRestInBetween() throws Exception {
    // one channel of 2x2 holding -2, 0, 2, 6, after an offset of 3 values that must be ignored
    float[] withOffset = {99, 99, 99, -2, 0, 2, 6};
    BufferedImage img = decode(Pictures.activations(withOffset, 3, Shape.chw(1, 2, 2)));
    assertThat(new int[] {grey(img, 0, 0), grey(img, 1, 0), grey(img, 0, 1), grey(img, 1, 1)})
        .containsExactly(0, Math.round(2 / 8f * 255), Math.round(4 / 8f * 255), 255);
  }

  @Test
  void aConstantMapIsMidGreyNotBlack() throws Exception {
    BufferedImage img = decode(Pictures.activations(new float[9], 0, Shape.chw(1, 3, 3)));
    assertThat(grey(img, 1, 1)).isEqualTo(128);
  }

  @Test
  void filtersAreTiledEachWithItsOwnRangeAndInColourForThreeChannels() throws Exception {
    // two 1x2 filters over 3 channels (F, C, KH, KW) = (2, 3, 1, 2): filter 0 red-ish, filter 1 ten times larger
    float[] w = {1, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0};
    Pictures.Picture p = Pictures.filters(w, new int[] {2, 3, 1, 2});
    assertThat(new int[] {p.width(), p.height(), p.shown()}).containsExactly(5, 1, 2);  // 2 columns of 2 plus a gap
    BufferedImage img = decode(p);
    assertThat(img.getRGB(0, 0) & 0xFFFFFF).as("filter 0, pixel 0: red at its own maximum").isEqualTo(0xFF0000);
    assertThat(img.getRGB(3, 0) & 0xFFFFFF).as("filter 1, pixel 0: as bright, in its own range").isEqualTo(0xFF0000);
    assertThat(img.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x000000);
  }

  @Test
  void onlyGreyAndColourExamplesAreDrawn() {
    assertThat(Pictures.example(new float[784], 0, Shape.chw(1, 28, 28))).isNotNull();
    assertThat(Pictures.example(new float[3 * 1024], 0, Shape.chw(3, 32, 32))).isNotNull();
    assertThat(Pictures.example(new float[56 * 300], 0, Shape.sequence(300, 56))).isNull();
    assertThat(Pictures.example(new float[2 * 64], 0, Shape.chw(2, 8, 8))).isNull();
  }
}
