package dev.hubel.cli;

import dev.hubel.model.Model;
import dev.hubel.zoo.Zoo;

/** The zoo by the names the CLI knows it (see {@link Zoo}); an unknown name is a user's mistake. */
final class ModelNames {
  private ModelNames() {}

  static Model build(String name) {
    return build(name, Zoo.Options.DEFAULTS);
  }

  static Model build(String name, Zoo.Options options) {
    if (!Zoo.has(name)) {
      throw new UserException("no model named '" + name + "'; the zoo has: " + String.join(", ", Zoo.names()));
    }
    return Zoo.build(name, options);
  }
}
