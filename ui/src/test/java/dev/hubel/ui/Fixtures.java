package dev.hubel.ui;

import dev.hubel.data.Dataset;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.tensor.Shape;
import dev.hubel.train.TrainConfig;
import dev.hubel.zoo.LeNet5;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Small data and a small model for the dashboard's tests: trains in seconds on two cores. */
final class Fixtures {
  static final String[] CLASSES = {"top left", "top right", "bottom left", "bottom right"};

  private Fixtures() {}

  /** 28x28 grey images, one lit quadrant each (the class), with noise; pixels around [0, 1]. */
  static Dataset quadrants(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * 28 * 28];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(4);
      y[i] = k;
      int r0 = (k / 2) * 14, c0 = (k % 2) * 14;
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          boolean lit = r >= r0 && r < r0 + 14 && c >= c0 && c < c0 + 14;
          x[i * 784 + r * 28 + c] = Math.clamp((lit ? 0.8f : 0.1f) + 0.15f * (float) rng.nextGaussian(), 0f, 1f);
        }
      }
    }
    return new Dataset("quadrants", Shape.chw(1, 28, 28), x, y, CLASSES);
  }

  static Model lenet() {
    return LeNet5.build(4, Shape.chw(1, 28, 28)).initialize(Init.HE, 3);
  }

  static TrainConfig config(int epochs) {
    return new TrainConfig(epochs, 16, 0.01f, 0.9f, 5e-4f, 1f, 7).withValidation(0.2).withNormalize(true);
  }

  /** A grey PNG of the given pixels (0..255 each), w wide. */
  static byte[] png(int[] grey, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setPixels(0, 0, w, h, grey);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A 28x28 PNG with the bottom-right quadrant lit, as the class "bottom right" looks. */
  static byte[] bottomRight() {
    int[] px = new int[28 * 28];
    for (int r = 14; r < 28; r++) for (int c = 14; c < 28; c++) px[r * 28 + c] = 220;
    for (int i = 0; i < px.length; i++) if (px[i] == 0) px[i] = 25;
    return png(px, 28, 28);
  }
}
