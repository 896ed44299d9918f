package dev.hubel.cli;

import dev.hubel.train.OptimizerConfig;
import dev.hubel.train.ScheduleConfig;
import java.util.Locale;

/** The text forms of {@code --optimizer} and {@code --schedule}, as the configs they name. */
final class OptimizerOptions {
  private OptimizerOptions() {}

  static final String OPTIMIZERS = "sgd (with --momentum), nesterov, adam, adamw, rmsprop";
  static final String SCHEDULES = "constant, exponential (x --lr-decay per epoch), step:N[:G] (x G, default 0.1, every N epochs), "
      + "cosine, plateau[:P] (divide by 10 when validation accuracy has not improved for P epochs, default 2)";

  static OptimizerConfig optimizer(String name, float lr, float momentum, float weightDecay) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "sgd" -> OptimizerConfig.sgd(lr, momentum, weightDecay);
      case "nesterov" -> OptimizerConfig.sgd(lr, momentum, weightDecay).withNesterov(true);
      case "adam" -> OptimizerConfig.adam(lr, weightDecay);
      case "adamw" -> OptimizerConfig.adamW(lr, weightDecay);
      case "rmsprop" -> OptimizerConfig.rmsProp(lr, weightDecay);
      default -> throw new UserException("--optimizer " + name + ": unknown optimiser; expected " + OPTIMIZERS);
    };
  }

  static ScheduleConfig schedule(String text, float lrDecay) {
    String[] p = text.toLowerCase(Locale.ROOT).split(":");
    try {
      return switch (p[0]) {
        case "constant" -> ScheduleConfig.constant();
        case "exponential" -> ScheduleConfig.exponential(lrDecay);
        case "step" -> ScheduleConfig.step(Integer.parseInt(p[1]), p.length > 2 ? Float.parseFloat(p[2]) : 0.1f);
        case "cosine" -> ScheduleConfig.cosine(0f);
        case "plateau" -> ScheduleConfig.plateau(0.1f, p.length > 1 ? Integer.parseInt(p[1]) : 2, 0f);
        default -> throw new UserException("--schedule " + text + ": unknown schedule; expected " + SCHEDULES);
      };
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new UserException("--schedule " + text + ": expected " + SCHEDULES);
    }
  }
}
