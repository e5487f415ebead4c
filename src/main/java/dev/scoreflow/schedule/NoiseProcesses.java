package dev.scoreflow.schedule;

import dev.scoreflow.spec.TrainConfig;
import java.util.List;

/** Looks up noise processes by their command-line names ({@code --process}, alias {@code --schedule}). */
public final class NoiseProcesses {
  public static final List<String> NAMES =
      List.of("vp-linear", "vp-cosine", "ve", "ddpm", "rectified-flow");

  private NoiseProcesses() {}

  /** The process of a run's config ({@code schedule} holds its name). */
  public static NoiseProcess of(TrainConfig c) {
    return byName(c.schedule, c.veSigmaMax);
  }

  /**
   * The process of a name. {@code veSigmaMax} sets VE's largest noise scale (about the data's
   * diameter); the other processes ignore it.
   */
  public static NoiseProcess byName(String name, double veSigmaMax) {
    switch (name) {
      case "vp-linear":
        return new VpLinear();
      case "vp-cosine":
        return new VpCosine();
      case "ve":
        return new Ve(Ve.DEFAULT_SIGMA_MIN, veSigmaMax);
      case "ddpm":
        return new DiscreteVp();
      case "rectified-flow":
        return new RectifiedFlow();
      default:
        throw new IllegalArgumentException(
            "--process: unknown noise process '" + name + "', expected one of " + NAMES);
    }
  }
}
