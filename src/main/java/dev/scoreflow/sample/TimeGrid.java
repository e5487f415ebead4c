package dev.scoreflow.sample;

import dev.scoreflow.schedule.NoiseProcess;
import java.util.Locale;

/** Decreasing time grids t_0 = tMax > t_1 > ... > t_n = tMin for the fixed-step samplers. */
public final class TimeGrid {
  /** How the n steps are spread over [tMin, tMax]. */
  public enum Spacing {
    /** Equal steps in t. */
    UNIFORM,
    /** t - tMin grows as the square of the step index: dense near the data (DDIM paper). */
    QUADRATIC,
    /** Equal steps in log lambda = log(b/a): DPM-Solver's log-SNR spacing. */
    LOGSNR;

    public static Spacing parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT).replace("-", ""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--spacing: expected uniform, quadratic or logsnr, got '" + s + "'");
      }
    }
  }

  private TimeGrid() {}

  public static double[] of(Spacing spacing, NoiseProcess process, double tMin, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
    }
    double tMax = process.tMax();
    if (!(tMin > 0 && tMin < tMax)) {
      throw new IllegalArgumentException("--t-min must lie in (0, " + tMax + "), got " + tMin);
    }
    double[] t = new double[steps + 1];
    double lo = Math.log(process.lambda(tMin));
    double hi = Math.log(process.lambda(tMax));
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
          t[k] = process.tOfLambda(Math.exp(lo + (hi - lo) * u));
          break;
        default:
          throw new AssertionError(spacing);
      }
    }
    t[0] = tMax; // exact ends despite rounding
    t[steps] = tMin;
    return t;
  }
}
