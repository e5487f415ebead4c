package dev.scoreflow.sample;

import dev.scoreflow.schedule.NoiseProcess;
import java.util.Locale;

/**
 * Decreasing time grids t_0 = tMax > t_1 > ... > t_n = tMin for the fixed-step samplers
 * (docs/theory.md, "Time grids").
 */
public final class TimeGrid {
  /** Karras et al.'s exponent rho: the grid is uniform in sigma^(1/rho). */
  public static final double KARRAS_RHO = 7.0;

  /** How the n steps are spread over [tMin, tMax]. */
  public enum Spacing {
    /** Equal steps in t. */
    UNIFORM,
    /** t - tMin grows as the square of the step index: dense near the data (DDIM paper). */
    QUADRATIC,
    /** Equal steps in log lambda = log(b/a): DPM-Solver's log-SNR spacing. */
    LOGSNR,
    /** Equal steps in lambda^(1/7), lambda the process's noise scale (Karras et al. 2022). */
    KARRAS;

    public static Spacing parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT).replace("-", ""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--spacing: expected uniform, quadratic, logsnr or karras, got '" + s + "'");
      }
    }

    /** The name on the command line. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private TimeGrid() {}

  /**
   * Refuses, on one line, a spacing the process cannot have at its start: logsnr and karras
   * space b/a, which must be finite at tMax (rectified flow's is not). For a sampler's check,
   * before any work; {@link #of} checks the whole range as well.
   */
  public static void check(Spacing spacing, NoiseProcess process) {
    double sMax = process.lambda(process.tMax());
    if (spacesNoiseScale(spacing) && !Double.isFinite(sMax)) {
      throw refusal(spacing, process, "to " + sMax + " at its start");
    }
  }

  private static boolean spacesNoiseScale(Spacing spacing) {
    return spacing == Spacing.LOGSNR || spacing == Spacing.KARRAS;
  }

  private static IllegalArgumentException refusal(Spacing spacing, NoiseProcess process,
      String range) {
    return new IllegalArgumentException("--spacing " + spacing.id() + " spaces the noise scale"
        + " b/a, which --process " + process.name() + " takes " + range
        + " (it must be positive and finite): use --spacing uniform or quadratic");
  }

  public static double[] of(Spacing spacing, NoiseProcess process, double tMin, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
    }
    double tMax = process.tMax();
    if (!(tMin > 0 && tMin < tMax)) {
      throw new IllegalArgumentException("--t-min must lie in (0, " + tMax + "), got " + tMin);
    }
    double sMin = process.lambda(tMin);
    double sMax = process.lambda(tMax);
    if (spacesNoiseScale(spacing) && !(sMin > 0 && Double.isFinite(sMax))) {
      throw refusal(spacing, process, "from " + sMin + " to " + sMax);
    }
    double[] t = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      double u = 1.0 - (double) k / steps; // 1 at the start, 0 at the end
      switch (spacing) {
        case UNIFORM:
          t[k] = tMin + (tMax - tMin) * u;
          break;
        case QUADRATIC:
          t[k] = tMin + (tMax - tMin) * u * u;
          break;
        case LOGSNR:
          t[k] = process.tOfLambda(Math.exp(Math.log(sMin) + (Math.log(sMax) - Math.log(sMin)) * u));
          break;
        case KARRAS:
          t[k] = process.tOfLambda(karras(sMin, sMax, u));
          break;
        default:
          throw new AssertionError(spacing);
      }
    }
    t[0] = tMax; // exact ends despite rounding
    t[steps] = tMin;
    return t;
  }

  /**
   * Karras et al.'s noise level at fraction u of the way from sMin (u = 0) to sMax (u = 1):
   * (sMin^(1/rho) + u (sMax^(1/rho) - sMin^(1/rho)))^rho.
   */
  public static double karras(double sMin, double sMax, double u) {
    double lo = Math.pow(sMin, 1 / KARRAS_RHO);
    double hi = Math.pow(sMax, 1 / KARRAS_RHO);
    return Math.pow(lo + u * (hi - lo), KARRAS_RHO);
  }
}
