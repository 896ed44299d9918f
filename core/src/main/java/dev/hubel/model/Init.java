package dev.hubel.model;

import dev.hubel.tensor.Param;
import java.util.random.RandomGenerator;

/** How weights start. Everything else starts at its role's value: biases at zero, BatchNorm's scale at one. */
public enum Init {
  /** He et al. 2015: normal with std sqrt(2 / fan_in), for layers followed by ReLU. */
  HE,
  /** Glorot & Bengio 2010: uniform in +-sqrt(6 / (fan_in + fan_out)). */
  XAVIER;

  void fill(Param p, RandomGenerator rng) {
    float[] v = p.value();
    float fixed = p.role().initialValue();
    if (!Float.isNaN(fixed)) {
      java.util.Arrays.fill(v, fixed);
      return;
    }
    switch (this) {
      case HE -> {
        double std = Math.sqrt(2.0 / p.fanIn());
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * std);
      }
      case XAVIER -> {
        double limit = Math.sqrt(6.0 / (p.fanIn() + p.fanOut()));
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
      }
    }
  }
}
