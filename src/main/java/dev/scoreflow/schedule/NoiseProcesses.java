package dev.scoreflow.schedule;

import dev.scoreflow.spec.TrainConfig;
import java.util.List;

/** Looks up noise processes by their command-line names ({@code --process}, alias {@code --schedule}). */
public final class NoiseProcesses {
  public static final List<String> NAMES =
      List.of("vp-linear", "vp-cosine", "ve", "ddpm", "rectified-flow", "pfgm", "tanh-kernel");

  private NoiseProcesses() {}

  /** The process of a run's config ({@code schedule} holds its name). */
  public static NoiseProcess of(TrainConfig c) {
    return byName(c.schedule, c.veSigmaMax, c.pfgmD);
  }

  /** {@link #byName(String, double, int)} with D = 1 for pfgm. */
  public static NoiseProcess byName(String name, double veSigmaMax) {
    return byName(name, veSigmaMax, 1);
  }

  /**
   * The process of a name. {@code veSigmaMax} sets the largest noise scale sigma_max of ve and
   * of the kernel processes (about the data's diameter); {@code pfgmD} is pfgm's D.
   */
  public static NoiseProcess byName(String name, double veSigmaMax, int pfgmD) {
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
      case "pfgm":
        return new Pfgm(pfgmD, veSigmaMax);
      case "tanh-kernel":
        return new TanhKernel(veSigmaMax);
      default:
        throw new IllegalArgumentException(
            "--process: unknown noise process '" + name + "', expected one of " + NAMES);
    }
  }
}
