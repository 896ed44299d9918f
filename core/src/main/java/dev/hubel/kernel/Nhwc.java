package dev.hubel.kernel;

/**
 * Where a channels-last (NHWC) activation lies in its array: per image, H rows of W pixels of C
 * channels, with a border of {@code border} zero pixels on every side, so that a convolution
 * padded by up to that much reads its padding from the array instead of testing bounds. The
 * border is written once (zeros, when the array is made) and never again: producers write only
 * the interior.
 *
 * <pre>
 *   pixel (b, y, x), 0 <= y < h, 0 <= x < w, starts at offset(b, y, x); its C channels follow it
 * </pre>
 */
public record Nhwc(int c, int h, int w, int border) {
  public Nhwc {
    if (c < 1 || h < 1 || w < 1 || border < 0) {
      throw new IllegalArgumentException("an NHWC layout needs C, H, W >= 1 and a border >= 0, received C=" + c
          + " H=" + h + " W=" + w + " border=" + border);
    }
  }

  /** Floats from one row of pixels to the next (the border included). */
  public int rowStride() {
    return (w + 2 * border) * c;
  }

  /** Floats from one image to the next. */
  public int imageStride() {
    return (h + 2 * border) * rowStride();
  }

  /** Where pixel (b, y, x) starts; y and x may reach into the border (down to -border). */
  public int offset(int b, int y, int x) {
    return b * imageStride() + (y + border) * rowStride() + (x + border) * c;
  }

  /** Floats an array of n images takes. */
  public int floats(int n) {
    return n * imageStride();
  }
}
