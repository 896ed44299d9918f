package dev.hubel.cli;

import dev.hubel.data.Augmentation;
import java.util.Locale;

/** {@code --augment crop,flip,translate} or {@code cifar} or {@code none}, as an {@link Augmentation}. */
final class AugmentOption {
  private AugmentOption() {}

  static final String HELP = "none (default), or any of crop (pad 4 and crop back), flip (left-right), "
      + "translate (up to 2 pixels), joined by commas; cifar = crop,flip";

  static Augmentation parse(String text) {
    int crop = 0, translate = 0;
    boolean flip = false;
    for (String part : text.toLowerCase(Locale.ROOT).split(",")) {
      switch (part.trim()) {
        case "none", "" -> { }
        case "crop" -> crop = 4;
        case "flip" -> flip = true;
        case "translate" -> translate = 2;
        case "cifar" -> {
          crop = 4;
          flip = true;
        }
        default -> throw new UserException("--augment " + text + ": unknown augmentation '" + part.trim() + "'; expected " + HELP);
      }
    }
    return new Augmentation(crop, flip, translate);
  }
}
