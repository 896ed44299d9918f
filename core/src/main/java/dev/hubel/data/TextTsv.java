package dev.hubel.data;

import dev.hubel.tensor.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Labelled text, one example a line: {@code label<TAB>text}, UTF-8. Each text becomes a
 * fixed-length sequence of word ids (see {@link Vocabulary}) stored as floats in a
 * {@link Dataset} of shape {@code Shape.vector(length)}: the Dataset holds floats, and ids below
 * 2^24 are exact in a float. The classes are the distinct labels, sorted. Blank lines are
 * skipped; there is no header line (a header would be read as an example of class "label").
 */
public final class TextTsv {

  /** A split and the vocabulary its ids refer to. */
  public record Text(Dataset dataset, Vocabulary vocabulary) {}

  private record Line(int number, String label, String text) {}

  private TextTsv() {}

  /** Reads a training file: the vocabulary (all words) and the classes come from it. */
  public static Text read(Path file, int length) {
    return read(file, length, 0);
  }

  /** As {@link #read(Path, int)}, keeping the {@code maxWords} most frequent words (0 keeps all). */
  public static Text read(Path file, int length, int maxWords) {
    requireLength(file, length);
    List<Line> lines = lines(file);
    TreeSet<String> labels = new TreeSet<>();
    Map<String, Integer> counts = new HashMap<>();
    for (Line line : lines) {
      labels.add(line.label());
      for (String word : Vocabulary.tokenize(line.text())) counts.merge(word, 1, Integer::sum);
    }
    Vocabulary vocabulary = Vocabulary.fromCounts(counts, maxWords);
    String[] classNames = labels.toArray(new String[0]);
    return new Text(encode(file, lines, length, vocabulary, classNames), vocabulary);
  }

  /**
   * Reads a test file with the training file's vocabulary and classes, so that ids and class
   * indices mean the same in both; a label the training file did not have is an error.
   */
  public static Dataset read(Path file, int length, Vocabulary vocabulary, String[] classNames) {
    requireLength(file, length);
    return encode(file, lines(file), length, vocabulary, classNames);
  }

  private static Dataset encode(Path file, List<Line> lines, int length, Vocabulary vocabulary, String[] classNames) {
    Map<String, Integer> classIndex = new HashMap<>();
    for (int k = 0; k < classNames.length; k++) classIndex.put(classNames[k], k);
    float[] ids = new float[lines.size() * length];
    int[] labels = new int[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      Line line = lines.get(i);
      Integer k = classIndex.get(line.label());
      if (k == null) {
        throw new DataException(
            file + " line " + line.number() + ": label \"" + line.label() + "\" is not one of the "
                + classNames.length + " classes " + Arrays.toString(classNames)
                + "; expected a label the training file has");
      }
      labels[i] = k;
      int[] sequence = vocabulary.encode(line.text(), length);
      for (int j = 0; j < length; j++) ids[i * length + j] = sequence[j];
    }
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    return new Dataset(name, Shape.vector(length), ids, labels, classNames);
  }

  private static List<Line> lines(Path file) {
    List<Line> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String s = in.readLine(); s != null; s = in.readLine()) {
        number++;
        if (number == 1 && s.startsWith("\uFEFF")) s = s.substring(1); // a byte-order mark is not part of the label
        if (s.isBlank()) continue;
        int tab = s.indexOf('\t');
        if (tab < 0) {
          throw new DataException(
              file + " line " + number + " has no tab: \"" + abbreviate(s)
                  + "\"; expected label<TAB>text");
        }
        String label = s.substring(0, tab).strip();
        if (label.isEmpty()) {
          throw new DataException(
              file + " line " + number + " has an empty label before its tab; expected label<TAB>text");
        }
        out.add(new Line(number, label, s.substring(tab + 1)));
      }
    } catch (NoSuchFileException e) {
      throw new DataException(file + " not found; expected a text file of label<TAB>text lines", e);
    } catch (CharacterCodingException e) {
      throw new DataException(file + " is not valid UTF-8 (" + e + "); expected UTF-8 text of label<TAB>text lines", e);
    } catch (IOException e) {
      throw new DataException(file + " could not be read (" + e + "); expected a readable text file", e);
    }
    if (out.isEmpty()) {
      throw new DataException(file + " has no examples; expected at least one line of label<TAB>text");
    }
    return out;
  }

  private static void requireLength(Path file, int length) {
    if (length <= 0) {
      throw new DataException(file + ": sequence length must be positive, received " + length);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
