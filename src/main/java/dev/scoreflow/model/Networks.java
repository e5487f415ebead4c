package dev.scoreflow.model;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.spec.TrainConfig;

/** Builds the network a config names. */
public final class Networks {
  private Networks() {}

  /** The network of {@code config}; {@code constants} owns its fixed arrays. */
  public static EpsNetwork create(TrainConfig config, NDManager constants) {
    switch (config.architecture) {
      case "mlp":
        return new ToyMlp(constants, config.width, 2, classes(config));
      case UNetS.ARCHITECTURE:
        return new UNetS(constants);
      default:
        throw new IllegalArgumentException("unknown architecture '" + config.architecture
            + "' (expected mlp or unet-s)");
    }
  }

  /** K of a class-conditional config (its data's classes), 0 for an unconditional one. */
  public static int classes(TrainConfig config) {
    return config.classConditional && config.classNames != null ? config.classNames.size() : 0;
  }
}
