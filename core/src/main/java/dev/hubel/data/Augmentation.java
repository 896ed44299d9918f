package dev.hubel.data;

import dev.hubel.tensor.Shape;

/**
 * How training images are varied each epoch; off ({@link #NONE}) unless asked for.
 *
 * <p>Each example's variation is drawn counter-style from (seed, epoch, example index), so it is
 * the same on any thread count, batch size or prefetch setting, and after a resume.
 *
 * @param cropPadding p: pad the image by p zeros on each side and crop it back to its size at a
 *     random offset, as CIFAR recipes do (p = 4 for 32x32): the content moves by up to p pixels
 *     in each direction and the uncovered border is zero
 * @param flip mirror left-right with probability 1/2
 * @param translate k: move the content by up to k pixels in each direction, filling the uncovered
 *     border with the nearest edge pixel (so no black frame appears, unlike the crop)
 * @param lighting AlexNet's PCA colour lighting ({@link PcaLighting}): the std of the random
 *     amount each image is shifted by along the training set's colour components (the paper's
 *     0.1); 0: off
 */
public record Augmentation(int cropPadding, boolean flip, int translate, float lighting) {

  public static final Augmentation NONE = new Augmentation(0, false, 0, 0f);

  public Augmentation {
    if (cropPadding < 0) throw new IllegalArgumentException("crop padding must be 0 or more pixels, received " + cropPadding);
    if (translate < 0) throw new IllegalArgumentException("translation must be 0 or more pixels, received " + translate);
    if (!(lighting >= 0) || !Float.isFinite(lighting)) {
      throw new IllegalArgumentException("PCA lighting's std must be 0 (off) or more, received " + lighting + "; AlexNet used 0.1");
    }
  }

  /** Geometry only, no lighting. */
  public Augmentation(int cropPadding, boolean flip, int translate) {
    this(cropPadding, flip, translate, 0f);
  }

  /** The same with PCA lighting of std {@code std} (AlexNet: 0.1). */
  public Augmentation withLighting(float std) {
    return new Augmentation(cropPadding, flip, translate, std);
  }

  /** The CIFAR recipe: pad by 4 and crop back, and flip half the images. */
  public static Augmentation cifar() {
    return new Augmentation(4, true, 0);
  }

  public boolean isNone() {
    return cropPadding == 0 && !flip && translate == 0 && lighting == 0;
  }

  /** Refuses settings that would move an image of {@code shape} entirely out of its frame, naming {@code source}. */
  public void requireFits(Shape shape, String source) {
    if (isNone()) return;
    if (!shape.isVolume()) {
      throw new DataException(source + " holds examples of " + shape + ", not images; augmentation needs C x H x W images");
    }
    int side = Math.min(shape.h(), shape.w());
    if (cropPadding >= side || translate >= side) {
      throw new DataException(String.format(
          "%s: crop padding %d and translation %d must be below the image's smaller side (%d of %s); "
              + "CIFAR recipes pad 4 pixels of 32", source, cropPadding, translate, side, shape));
    }
  }

  /**
   * Writes the variation of one image, drawn from {@code key} (a hash of seed, epoch and the
   * example's index), from {@code src} at {@code from} into {@code dst} at {@code to}.
   */
  void apply(float[] src, int from, float[] dst, int to, int c, int h, int w, long key) {
    apply(src, from, dst, to, c, h, w, key, null);
  }

  /** The same, shifting colours along {@code pca}'s components when lighting is on (it must then be given). */
  void apply(float[] src, int from, float[] dst, int to, int c, int h, int w, long key, PcaLighting pca) {
    boolean mirror = flip && CounterRandom.hash(key, 0) < 0;
    int cropY = offset(key, 1, cropPadding), cropX = offset(key, 2, cropPadding);
    int shiftY = offset(key, 3, translate), shiftX = offset(key, 4, translate);
    if (lighting > 0 && (pca == null || pca.channels() != c)) {
      throw new IllegalStateException("PCA lighting needs the colour components of " + c + "-channel images; compute them with PcaLighting.of");
    }
    transform(src, from, dst, to, c, h, w, mirror, cropY, cropX, shiftY, shiftX, lighting > 0 ? pca : null, key, lighting);
  }

  private static int offset(long key, int counter, int range) {
    return range == 0 ? 0 : CounterRandom.below(CounterRandom.hash(key, counter), 2 * range + 1) - range;
  }

  /**
   * One pass per output pixel, no scratch: output(y, x) is the translated image at
   * (y + cropY, x' + cropX) where x' undoes the flip, zero outside the frame (the crop's padding);
   * the translated image at (ty, tx) is the source at (ty - shiftY, tx - shiftX) clamped to the edge.
   * A crop window at offset (oy, ox) of the image padded by p is cropY = oy - p, cropX = ox - p.
   */
  static void transform(float[] src, int from, float[] dst, int to, int c, int h, int w,
                        boolean flip, int cropY, int cropX, int shiftY, int shiftX) {
    transform(src, from, dst, to, c, h, w, flip, cropY, cropX, shiftY, shiftX, null, 0, 0);
  }

  /**
   * The same, every pixel inside the frame shifted by its channel's lighting (none when
   * {@code pca} is null); the crop's padding stays 0.
   */
  static void transform(float[] src, int from, float[] dst, int to, int c, int h, int w, boolean flip, int cropY, int cropX,
                        int shiftY, int shiftX, PcaLighting pca, long key, float std) {
    for (int ch = 0; ch < c; ch++) {
      float add = pca == null ? 0f : pca.shift(ch, key, std);
      int plane = ch * h * w;
      for (int y = 0; y < h; y++) {
        int out = to + plane + y * w;
        int ty = y + cropY;
        if (ty < 0 || ty >= h) {
          java.util.Arrays.fill(dst, out, out + w, 0f);
          continue;
        }
        int row = from + plane + clamp(ty - shiftY, h) * w;
        for (int x = 0; x < w; x++) {
          int tx = (flip ? w - 1 - x : x) + cropX;
          dst[out + x] = tx < 0 || tx >= w ? 0f : src[row + clamp(tx - shiftX, w)] + add;
        }
      }
    }
  }

  private static int clamp(int i, int n) {
    return i < 0 ? 0 : i >= n ? n - 1 : i;
  }

  @Override
  public String toString() {
    if (isNone()) return "none";
    StringBuilder s = new StringBuilder();
    if (cropPadding > 0) s.append("pad ").append(cropPadding).append(" and crop");
    if (flip) s.append(s.isEmpty() ? "" : ", ").append("flip");
    if (translate > 0) s.append(s.isEmpty() ? "" : ", ").append("translate +-").append(translate);
    if (lighting > 0) s.append(s.isEmpty() ? "" : ", ").append("PCA lighting ").append(lighting);
    return s.toString();
  }
}
