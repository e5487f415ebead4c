package dev.scoreflow.cli;

import dev.scoreflow.checkpoint.RecommendedSampling;
import dev.scoreflow.sample.Guidance;
import picocli.CommandLine.Option;

/**
 * The classifier-free guidance flags that {@code sample}, {@code eval} and {@code export} share
 * (a picocli mixin): the scale and the noise levels it applies at, each falling back on a model
 * folder's sampling.json.
 */
public final class GuidanceOptions {
  @Option(names = "--guidance", paramLabel = "S",
      description = "Class-conditional models: classifier-free guidance scale S >= 0,"
          + " eps_u + S (eps_c - eps_u); 1 is the conditional model, 0 the unconditional one"
          + " (default: the model folder's recommendation, else 1).")
  String scale;

  @Option(names = "--guidance-interval", paramLabel = "LO,HI",
      description = "Guide only where the noise level sigma = kappa b / a is in (LO, HI], the"
          + " conditional model alone elsewhere (one network evaluation there); HI may be inf"
          + " (default: the model folder's recommendation, else every level).")
  String interval;

  /** Whether either flag was given. */
  boolean given() {
    return scale != null || interval != null;
  }

  /** The flag that was given, for messages. */
  String givenFlag() {
    return scale != null ? "--guidance" : "--guidance-interval";
  }

  /** {@code --guidance}, checked, or null. */
  Double scaleFlag() {
    return scale == null ? null : parseScale(scale);
  }

  /** {@code --guidance-interval}, checked, or null. */
  double[] intervalFlag() {
    return interval == null ? null : Guidance.parseInterval(interval);
  }

  /** Checks both flags: call before the engine starts. */
  void check() {
    scaleFlag();
    intervalFlag();
  }

  /** The flags given, else {@code rec}'s (may be null), else scale 1 at every level. */
  Guidance resolve(RecommendedSampling rec) {
    Double s = scaleFlag();
    double[] range = intervalFlag();
    if (s == null) {
      s = rec != null && rec.guidance != null ? rec.guidance : 1.0;
    }
    if (range == null && rec != null) {
      range = rec.guidanceInterval;
    }
    return range == null ? Guidance.everywhere(s) : new Guidance(s, range[0], range[1]);
  }

  /** {@code --guidance S}: a finite number >= 0. */
  static double parseScale(String text) {
    double v;
    try {
      v = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--guidance expects a number >= 0, got '" + text + "'");
    }
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("--guidance expects a number >= 0, got '" + text + "'");
    }
    return v;
  }
}
