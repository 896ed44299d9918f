package dev.hubel.data;

import dev.hubel.tensor.Shape;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images sorted into one folder per class: {@code root/<class>/<image>.png|jpg|jpeg}. Classes
 * are the folder names in sorted order, so the same tree always gives the same class indices.
 * Each image is decoded with javax.imageio, made grey (1 channel) or RGB (3 channels), resized
 * bilinearly to H x W, and scaled to [0, 1].
 *
 * <p>Files directly under the root (a README, a licence) are ignored, and so are hidden files
 * and folders (.DS_Store, .git). Anything else in a class folder must be an image: a stray file
 * there is more likely a mistake than something to skip quietly.
 */
public final class ImageFolder {

  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

  /** One decoded image, CHW floats in [0, 1] at its own size. */
  private record Planes(int height, int width, float[] values) {}

  private ImageFolder() {}

  /** Reads every image under {@code root}, as {@code channels} x {@code height} x {@code width}. */
  public static Dataset load(Path root, int channels, int height, int width) {
    if (channels != 1 && channels != 3) {
      throw new DataException(root + ": cannot make images of " + channels + " channels; expected 1 (grey) or 3 (RGB)");
    }
    if (height <= 0 || width <= 0) {
      throw new DataException(
          root + ": cannot resize images to " + height + "x" + width + "; expected a positive height and width");
    }
    if (!Files.isDirectory(root)) {
      throw new DataException(root + " not found or not a folder; expected a folder with one subfolder of images per class");
    }
    List<Path> classDirs = visible(root).stream().filter(Files::isDirectory).toList();
    if (classDirs.isEmpty()) {
      throw new DataException(
          root + " has no class folders; expected one subfolder of images per class, such as "
              + root.resolve("cat").resolve("1.png") + " and " + root.resolve("dog").resolve("1.png"));
    }
    if (classDirs.size() == 1) {
      throw new DataException(
          root + " has only one class folder, " + classDirs.get(0).getFileName()
              + "; a classifier needs at least two classes, so expected at least two subfolders of images");
    }
    String[] classNames = new String[classDirs.size()];
    List<List<Path>> files = new ArrayList<>();
    int count = 0;
    for (int k = 0; k < classDirs.size(); k++) {
      Path dir = classDirs.get(k);
      classNames[k] = dir.getFileName().toString();
      List<Path> images = visible(dir);
      if (images.isEmpty()) {
        throw new DataException("class folder " + dir + " is empty; expected at least one .png, .jpg or .jpeg image in it");
      }
      for (Path f : images) {
        String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(f) || EXTENSIONS.stream().noneMatch(lower::endsWith)) {
          throw new DataException(f + " is not an image file; expected only .png, .jpg or .jpeg images in class folder " + dir);
        }
      }
      files.add(images);
      count += images.size();
    }
    int per = channels * height * width;
    if ((long) count * per > Integer.MAX_VALUE - 8) {
      throw new DataException(
          root + ": " + count + " images of " + per + " floats are too many for one Java array;"
              + " expected a smaller size or fewer images");
    }
    float[] pixels = new float[count * per];
    int[] labels = new int[count];
    int n = 0;
    for (int k = 0; k < files.size(); k++) {
      for (Path f : files.get(k)) {
        Planes p = decode(f, channels);
        resize(p, channels, pixels, n * per, height, width);
        labels[n++] = k;
      }
    }
    String name = root.getFileName() == null ? root.toString() : root.getFileName().toString();
    return new Dataset(name, Shape.chw(channels, height, width), pixels, labels, classNames);
  }

  /**
   * One image file as a model takes it: C x H x W floats in [0, 1], converted to {@code channels}
   * (1 grey, 3 RGB) and resized to H x W as {@link #load} does for a whole folder.
   */
  public static float[] readImage(Path file, int channels, int height, int width) {
    if (channels != 1 && channels != 3) {
      throw new DataException(file + ": a model taking " + channels + " channels cannot be fed an image; expected 1 (grey) or 3 (RGB)");
    }
    if (!Files.isRegularFile(file)) throw new DataException(file + " not found; expected a .png, .jpg or .jpeg image");
    float[] out = new float[channels * height * width];
    resize(decode(file, channels), channels, out, 0, height, width);
    return out;
  }

  /** The entries of a folder that do not start with '.', sorted by name. */
  private static List<Path> visible(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new DataException(dir + " could not be listed (" + e + "); expected a readable folder", e);
    }
  }

  /**
   * Decodes an image to CHW floats. Grey images are read from their samples: asking Java2D for
   * their RGB would pass them through a linear-grey colour space and brighten mid-tones (128 reads
   * as 188). Colour images are drawn onto an RGB canvas, which also flattens palettes and
   * composites transparent pixels onto black; grey from colour uses the BT.601 weights.
   */
  private static Planes decode(Path f, int channels) {
    BufferedImage img;
    try {
      img = ImageIO.read(f.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataException(
          f + " could not be decoded as an image (" + e.getMessage() + "); expected a valid PNG or JPEG file", e);
    }
    if (img == null) {
      throw new DataException(f + " is not an image javax.imageio can decode; expected a PNG or JPEG file");
    }
    int h = img.getHeight(), w = img.getWidth(), plane = h * w;
    float[] out = new float[channels * plane];
    ColorModel cm = img.getColorModel();
    if (cm.getNumColorComponents() == 1 && !(cm instanceof IndexColorModel)) {
      Raster raster = img.getRaster();
      float max = (1 << cm.getComponentSize(0)) - 1;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = raster.getSample(x, y, 0) / max;
          for (int c = 0; c < channels; c++) out[c * plane + y * w + x] = v;
        }
      }
      return new Planes(h, w, out);
    }
    BufferedImage rgb = img;
    if (img.getType() != BufferedImage.TYPE_INT_RGB) {
      rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = rgb.createGraphics();
      g.drawImage(img, 0, 0, null);
      g.dispose();
    }
    int[] argb = rgb.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < plane; i++) {
      float r = ((argb[i] >> 16) & 0xFF) / 255f, gr = ((argb[i] >> 8) & 0xFF) / 255f, b = (argb[i] & 0xFF) / 255f;
      if (channels == 1) {
        out[i] = 0.299f * r + 0.587f * gr + 0.114f * b;
      } else {
        out[i] = r;
        out[plane + i] = gr;
        out[2 * plane + i] = b;
      }
    }
    return new Planes(h, w, out);
  }

  /**
   * Bilinear resampling with pixel centres aligned (output pixel y samples the input at
   * {@code (y + 0.5) * inH / outH - 0.5}, clamped to the edge), as PIL and OpenCV do, so that a
   * same-size resize is exact. It does not low-pass first: shrinking by much more than 2x aliases.
   */
  private static void resize(Planes p, int channels, float[] out, int offset, int outH, int outW) {
    int inH = p.height(), inW = p.width();
    float[] in = p.values();
    for (int c = 0; c < channels; c++) {
      int src = c * inH * inW, dst = offset + c * outH * outW;
      for (int y = 0; y < outH; y++) {
        double sy = Math.clamp((y + 0.5) * inH / outH - 0.5, 0, inH - 1);
        int y0 = (int) sy, y1 = Math.min(y0 + 1, inH - 1);
        float fy = (float) (sy - y0);
        for (int x = 0; x < outW; x++) {
          double sx = Math.clamp((x + 0.5) * inW / outW - 0.5, 0, inW - 1);
          int x0 = (int) sx, x1 = Math.min(x0 + 1, inW - 1);
          float fx = (float) (sx - x0);
          float top = in[src + y0 * inW + x0] * (1 - fx) + in[src + y0 * inW + x1] * fx;
          float bottom = in[src + y1 * inW + x0] * (1 - fx) + in[src + y1 * inW + x1] * fx;
          out[dst + y * outW + x] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  }
}
