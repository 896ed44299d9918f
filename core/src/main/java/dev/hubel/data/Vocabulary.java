package dev.hubel.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Words and their ids for text classification. Id 0 is padding and id 1 stands for any word
 * not in the vocabulary, so an embedding layer needs {@link #size()} rows and a model can tell
 * "no word here" from "a word it never saw". The other ids go to words by falling frequency
 * (ties alphabetically), so the same text always gives the same ids.
 */
public final class Vocabulary {

  public static final int PADDING = 0;
  public static final int UNKNOWN = 1;
  /** How ids 0 and 1 are printed; never produced by {@link #tokenize}, which keeps only letters and digits. */
  public static final String PADDING_WORD = "<pad>";
  public static final String UNKNOWN_WORD = "<unk>";

  private final List<String> words;
  private final Map<String, Integer> ids;

  private Vocabulary(List<String> words) {
    this.words = List.copyOf(words);
    this.ids = new HashMap<>();
    for (int i = 0; i < words.size(); i++) ids.put(words.get(i), i);
  }

  /**
   * Lower-cases the text and splits it on every character that is not a letter or digit:
   * "Don't stop!" gives [don, t, stop]. Crude, but it needs no language model and is the same
   * on every machine (lower-casing uses {@link Locale#ROOT}, not the user's locale).
   */
  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    int start = -1;
    for (int i = 0; i < lower.length(); ) {
      int cp = lower.codePointAt(i);
      boolean word = Character.isLetterOrDigit(cp);
      if (word && start < 0) start = i;
      if (!word && start >= 0) {
        out.add(lower.substring(start, i));
        start = -1;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) out.add(lower.substring(start));
    return out;
  }

  /**
   * The vocabulary of words counted in {@code counts}, most frequent first, keeping at most
   * {@code maxWords} of them (0 keeps all); the rest will read as {@link #UNKNOWN}.
   */
  public static Vocabulary fromCounts(Map<String, Integer> counts, int maxWords) {
    if (maxWords < 0) {
      throw new DataException("vocabulary: maxWords must be 0 (keep all) or more, received " + maxWords);
    }
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Integer>comparingByValue(Collections.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    int keep = maxWords == 0 ? entries.size() : Math.min(maxWords, entries.size());
    List<String> words = new ArrayList<>(keep + 2);
    words.add(PADDING_WORD);
    words.add(UNKNOWN_WORD);
    for (int i = 0; i < keep; i++) words.add(entries.get(i).getKey());
    return new Vocabulary(words);
  }

  /** The vocabulary with exactly these words after padding and unknown, in this order (ids 2, 3, ...). */
  public static Vocabulary of(List<String> words) {
    List<String> all = new ArrayList<>(words.size() + 2);
    all.add(PADDING_WORD);
    all.add(UNKNOWN_WORD);
    for (String w : words) {
      if (w.equals(PADDING_WORD) || w.equals(UNKNOWN_WORD) || all.contains(w)) {
        throw new DataException("vocabulary: word \"" + w + "\" appears twice; expected each word once");
      }
      all.add(w);
    }
    return new Vocabulary(all);
  }

  /** Number of ids, padding and unknown included: the rows of an embedding table. */
  public int size() {
    return words.size();
  }

  /** The id of a (tokenized, lower-case) word, or {@link #UNKNOWN}. */
  public int id(String word) {
    Integer id = ids.get(word);
    return id == null || id < 2 ? UNKNOWN : id;
  }

  public String word(int id) {
    if (id < 0 || id >= words.size()) {
      throw new DataException("vocabulary: id " + id + " is outside 0.." + (words.size() - 1));
    }
    return words.get(id);
  }

  /** Every word by id, padding and unknown first. */
  public List<String> words() {
    return words;
  }

  /**
   * The ids of the text's first {@code length} words, followed by {@link #PADDING} up to
   * {@code length}: a model sees fixed-length sequences, and the start of a text usually says
   * the most about it.
   */
  public int[] encode(String text, int length) {
    if (length <= 0) throw new DataException("vocabulary: sequence length must be positive, received " + length);
    int[] out = new int[length]; // PADDING is 0
    List<String> tokens = tokenize(text);
    for (int i = 0; i < Math.min(length, tokens.size()); i++) out[i] = id(tokens.get(i));
    return out;
  }

  @Override
  public String toString() {
    return "vocabulary of " + size() + " ids (" + (size() - 2) + " words, padding and unknown)";
  }
}
