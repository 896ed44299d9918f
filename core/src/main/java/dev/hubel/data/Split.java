package dev.hubel.data;

import java.util.Arrays;

/**
 * A dataset's examples divided into those trained on and those held out to validate, as two
 * lists of example indices (the images are not copied: for Fashion-MNIST a copy is 188 MB). Both
 * lists are ascending. Treat them as read-only.
 */
public record Split(int[] train, int[] validation) {

  /**
   * Holds out {@code validationFraction} of {@code size} examples, chosen by {@code seed} alone,
   * so a resumed run validates on the same ones. A fraction of 0 holds out none; any positive
   * fraction holds out at least one example.
   */
  public static Split of(int size, double validationFraction, long seed) {
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new DataException("the validation fraction must be in [0, 1), received " + validationFraction
          + "; 0.1 holds out a tenth of the training set");
    }
    int held = validationFraction == 0 ? 0 : (int) Math.max(1, Math.round(size * validationFraction));
    if (size - held < 1) {
      throw new DataException("holding out " + held + " of " + size + " examples to validate leaves none to train on; "
          + "use a smaller validation fraction or more data");
    }
    int[] all = new int[size];
    for (int i = 0; i < size; i++) all[i] = i;
    CounterRandom.shuffle(all, size, CounterRandom.hash(seed, CounterRandom.SPLIT));
    int[] validation = Arrays.copyOfRange(all, 0, held);
    int[] train = Arrays.copyOfRange(all, held, size);
    Arrays.sort(validation);
    Arrays.sort(train);
    return new Split(train, validation);
  }

  /** Every example trained on, none held out. */
  public static Split none(int size) {
    return of(size, 0, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Split s && Arrays.equals(train, s.train) && Arrays.equals(validation, s.validation);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(train) + Arrays.hashCode(validation);
  }

  @Override
  public String toString() {
    return train.length + " to train, " + validation.length + " to validate";
  }
}
