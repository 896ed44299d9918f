package dev.hubel.ui;

import dev.hubel.tensor.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * Numbers as pictures for the page: activation maps, filters and examples become small PNGs (as
 * data URLs), drawn at one pixel per value; the page scales them up without smoothing. Sizes are
 * capped so that a big network's layer still makes an event of a few hundred kilobytes at most.
 */
final class Pictures {
  /** Channels of one layer shown side by side; ConvNetJS shows all of LeNet's, few networks have more to see. */
  static final int MAX_CHANNELS = 64;
  static final int MAX_FILTERS = 96;
  /** Longest side of one map; larger maps (a 224x224 input) are sampled down to it. */
  static final int MAX_SIDE = 112;
  private static final int GAP = 1;
  private static final int GAP_RGB = 0x303848;

  private Pictures() {}

  /** A PNG and what it shows: {@code shown} of {@code total} channels (or values). */
  record Picture(String url, int width, int height, int shown, int total) {}

  /**
   * One example's output of a layer: the first {@code shape.size()} values from {@code offset},
   * as a grid of its channel maps (CxHxW), a strip per channel (a sequence), or a square of cells
   * (a vector). Black is the layer's smallest value, white its largest, so that dead channels
   * stay black beside live ones.
   */
  static Picture activations(float[] values, int offset, Shape shape) {
    if (shape.isVolume() && shape.h() * shape.w() > 1) {
      int c = shape.c(), shown = Math.min(c, MAX_CHANNELS);
      return mosaic(values, offset, shown, c, shape.h(), shape.w(), 1);
    }
    if (shape.isSequence()) {  // (C, L): one row of L values per channel
      int c = Math.min(shape.dim(0), 256), l = Math.min(shape.dim(1), 256);
      int[] rgb = new int[c * l];
      float[] range = range(values, offset, shape.dim(0) * shape.dim(1));
      for (int y = 0; y < c; y++) {
        for (int x = 0; x < l; x++) rgb[y * l + x] = grey(values[offset + y * shape.dim(1) + x], range);
      }
      return new Picture(png(rgb, l, c), l, c, c, shape.dim(0));
    }
    int n = shape.size(), shown = Math.min(n, 4096), side = (int) Math.ceil(Math.sqrt(shown));
    int rows = (shown + side - 1) / side;
    float[] range = range(values, offset, shown);
    int[] rgb = new int[side * rows];
    java.util.Arrays.fill(rgb, GAP_RGB);
    for (int i = 0; i < shown; i++) rgb[i] = grey(values[offset + i], range);
    return new Picture(png(rgb, side, rows), side, rows, shown, n);
  }

  /** An example as the dataset holds it: grey for one channel, colour for three; null for anything else. */
  static Picture example(float[] values, int offset, Shape shape) {
    if (!shape.isVolume() || (shape.c() != 1 && shape.c() != 3)) return null;
    return mosaic(values, offset, 1, 1, shape.h(), shape.w(), shape.c());
  }

  /**
   * The first layer's filters (F, C, K, K), each its own tile: in colour when they see three
   * channels, otherwise their first channel's weights in grey. Each filter has its own range, as
   * ConvNetJS draws them, so that small filters still show their pattern.
   */
  static Picture filters(float[] weights, int[] dims) {
    int f = dims[0], c = dims[1], kh = dims[2], kw = dims[3], shown = Math.min(f, MAX_FILTERS);
    int colour = c == 3 ? 3 : 1;
    int cols = (int) Math.ceil(Math.sqrt(shown)), rows = (shown + cols - 1) / cols;
    int width = cols * (kw + GAP) - GAP, height = rows * (kh + GAP) - GAP;
    int[] rgb = new int[width * height];
    java.util.Arrays.fill(rgb, GAP_RGB);
    for (int i = 0; i < shown; i++) {
      int at = i * c * kh * kw;
      float[] range = range(weights, at, colour * kh * kw);
      int x0 = (i % cols) * (kw + GAP), y0 = (i / cols) * (kh + GAP);
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          int p = y * kw + x;
          rgb[(y0 + y) * width + x0 + x] = colour == 3
              ? rgb(weights[at + p], weights[at + kh * kw + p], weights[at + 2 * kh * kw + p], range)
              : grey(weights[at + p], range);
        }
      }
    }
    return new Picture(png(rgb, width, height), width, height, shown, f);
  }

  /**
   * {@code shown} maps of H x W from {@code offset} as a near-square grid; {@code colour} 3 draws
   * one RGB map from three planes. Maps with a side above {@link #MAX_SIDE} are sampled down.
   */
  private static Picture mosaic(float[] values, int offset, int shown, int total, int h, int w, int colour) {
    int step = Math.max(1, (Math.max(h, w) + MAX_SIDE - 1) / MAX_SIDE);
    int th = (h + step - 1) / step, tw = (w + step - 1) / step;
    int cols = (int) Math.ceil(Math.sqrt(shown)), rows = (shown + cols - 1) / cols;
    int width = cols * (tw + GAP) - GAP, height = rows * (th + GAP) - GAP;
    int[] rgb = new int[width * height];
    java.util.Arrays.fill(rgb, GAP_RGB);
    float[] range = range(values, offset, shown * colour * h * w);
    int plane = h * w;
    for (int m = 0; m < shown; m++) {
      int at = offset + m * plane * colour;
      int x0 = (m % cols) * (tw + GAP), y0 = (m / cols) * (th + GAP);
      for (int y = 0; y < th; y++) {
        for (int x = 0; x < tw; x++) {
          int p = y * step * w + x * step;
          rgb[(y0 + y) * width + x0 + x] = colour == 3
              ? rgb(values[at + p], values[at + plane + p], values[at + 2 * plane + p], range)
              : grey(values[at + p], range);
        }
      }
    }
    return new Picture(png(rgb, width, height), width, height, shown, total);
  }

  /** {min, max} of n values from offset, ignoring NaN. */
  private static float[] range(float[] v, int offset, int n) {
    float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
    for (int i = offset; i < offset + n; i++) {
      if (v[i] < lo) lo = v[i];
      if (v[i] > hi) hi = v[i];
    }
    return new float[] {lo, hi};
  }

  private static int level(float v, float[] range) {
    float span = range[1] - range[0];
    if (!(span > 0) || !Float.isFinite(span)) return 128;  // a constant map: mid grey, not a false black
    return Math.clamp(Math.round((v - range[0]) / span * 255f), 0, 255);
  }

  private static int grey(float v, float[] range) {
    int g = level(v, range);
    return g << 16 | g << 8 | g;
  }

  private static int rgb(float r, float g, float b, float[] range) {
    return level(r, range) << 16 | level(g, range) << 8 | level(b, range);
  }

  static String png(int[] rgb, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, width, height, rgb, 0, width);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a PNG in memory: " + e.getMessage(), e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
