package dev.hubel.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.data.DataException;
import dev.hubel.data.Dataset;
import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A dataset of any example shape as one safetensors file: {@code examples} (N, ...) and
 * {@code labels} (N) as F32, class names optionally as a JSON list under the metadata key
 * {@code class_names}. It is how data no image format holds reaches Hubel (the AlphaGo policy
 * network's 48 feature planes of a Go position): numpy and json write it in a few lines.
 */
public final class TensorDataset {
  public static final String EXAMPLES = "examples", LABELS = "labels", CLASS_NAMES = "class_names";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TensorDataset() {}

  public static Dataset read(Path file) {
    try (SafeTensors st = SafeTensors.open(file)) {
      SafeTensors.Info x = require(st, EXAMPLES), y = require(st, LABELS);
      int[] xs = x.shape(), ys = y.shape();
      if (xs.length < 2 || ys.length != 1 || xs[0] != ys[0]) {
        throw new DataException(file + ": expected '" + EXAMPLES + "' of shape (N, ...) and '" + LABELS + "' of shape (N); found "
            + Arrays.toString(xs) + " and " + Arrays.toString(ys));
      }
      float[] raw = st.read(LABELS);
      int[] labels = new int[raw.length];
      int max = 0;
      for (int i = 0; i < raw.length; i++) {
        if (!(raw[i] >= 0) || raw[i] != Math.rint(raw[i]) || raw[i] > Integer.MAX_VALUE) {
          throw new DataException(file + ": label " + i + " is " + raw[i] + "; expected a class index 0, 1, 2, ...");
        }
        labels[i] = (int) raw[i];
        max = Math.max(max, labels[i]);
      }
      String[] names = classNames(file, st, max);
      Shape shape = new Shape(Arrays.copyOfRange(xs, 1, xs.length));
      return new Dataset(file.getFileName().toString(), shape, st.read(EXAMPLES), labels, names);
    }
  }

  private static SafeTensors.Info require(SafeTensors st, String name) {
    SafeTensors.Info info = st.info(name);
    if (info == null) {
      throw new DataException(st.file() + " has no tensor '" + name + "'; a dataset file holds '" + EXAMPLES
          + "' (N, ...) and '" + LABELS + "' (N), both F32");
    }
    return info;
  }

  private static String[] classNames(Path file, SafeTensors st, int maxLabel) {
    String text = st.metadata().get(CLASS_NAMES);
    if (text == null) {
      String[] names = new String[maxLabel + 1];
      for (int k = 0; k <= maxLabel; k++) names[k] = Integer.toString(k);
      return names;
    }
    try {
      List<?> list = JSON.readValue(text, List.class);
      String[] names = list.stream().map(String::valueOf).toArray(String[]::new);
      if (names.length <= maxLabel) {
        throw new DataException(file + ": " + names.length + " class names but labels go up to " + maxLabel);
      }
      return names;
    } catch (IOException e) {
      throw new DataException(file + ": metadata '" + CLASS_NAMES + "' is not a JSON list of names: " + e.getMessage());
    }
  }
}
