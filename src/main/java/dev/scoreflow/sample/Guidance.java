package dev.scoreflow.sample;

import dev.scoreflow.model.ConditionalPredictor;
import dev.scoreflow.model.GuidedPredictor;
import dev.scoreflow.schedule.NoiseProcess;
import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.function.DoubleToIntFunction;

/**
 * Classifier-free guidance settings (docs/theory.md, "Class conditioning and guidance"): the
 * scale S, applied only where the process's noise level sigma = kappa b(t) / a(t) lies in
 * (sigmaMin, sigmaMax] and the conditional model alone (S = 1) elsewhere. The whole range
 * (0, inf] is plain guidance; a limited one is Kynkaenniemi et al. (2024)'s guidance interval,
 * which spends the second evaluation only where guidance helps, keeping the high-noise steps
 * (where it collapses variety) and the last ones (where it only sharpens) unguided.
 */
public record Guidance(double scale, double sigmaMin, double sigmaMax) {
  /** Guidance at every noise level. */
  public static final double NO_LOWER = 0;
  public static final double NO_UPPER = Double.POSITIVE_INFINITY;

  public Guidance {
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("--guidance must be a number >= 0, got " + number(scale));
    }
    if (!(sigmaMin >= 0 && sigmaMax > sigmaMin) || Double.isInfinite(sigmaMin)) {
      throw new IllegalArgumentException("--guidance-interval expects noise levels 0 <= LO < HI"
          + " (HI may be inf), got " + number(sigmaMin) + "," + number(sigmaMax));
    }
  }

  /** Scale S at every noise level. */
  public static Guidance everywhere(double scale) {
    return new Guidance(scale, NO_LOWER, NO_UPPER);
  }

  /**
   * {@code --guidance-interval LO,HI}: two noise levels, HI possibly {@code inf}; the message of
   * a bad one names the flag.
   */
  public static double[] parseInterval(String text) {
    String[] parts = text.split(",", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("--guidance-interval expects LO,HI (noise levels sigma,"
          + " e.g. 0.3,5 or 0.3,inf), got '" + text + "'");
    }
    double[] v = new double[2];
    for (int i = 0; i < 2; i++) {
      String p = parts[i].trim();
      try {
        v[i] = p.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--guidance-interval expects LO,HI (noise levels"
            + " sigma, e.g. 0.3,5 or 0.3,inf), got '" + text + "'");
      }
    }
    new Guidance(1, v[0], v[1]); // checks the order
    return v;
  }

  /** Whether the interval leaves some noise levels unguided. */
  public boolean limited() {
    return sigmaMin > NO_LOWER || sigmaMax < NO_UPPER;
  }

  /** Whether guidance applies at time t of {@code process}: sigma(t) in (sigmaMin, sigmaMax]. */
  public DoublePredicate activeOn(NoiseProcess process) {
    if (!limited()) {
      return t -> true;
    }
    return t -> {
      double sigma = process.noiseScale() * process.lambda(t);
      return sigma > sigmaMin && sigma <= sigmaMax;
    };
  }

  /** The guided predictor for per-row classes {@code labels} on {@code process}. */
  public GuidedPredictor predictor(ConditionalPredictor model, NDArray labels,
      NoiseProcess process) {
    return new GuidedPredictor(model, labels, scale, activeOn(process));
  }

  /** Network evaluations per sample of one call at time t (2 where both halves are batched). */
  public DoubleToIntFunction evaluationsAt(NoiseProcess process) {
    DoublePredicate on = activeOn(process);
    return t -> GuidedPredictor.batchesBothHalves(scale) && on.test(t) ? 2 : 1;
  }

  /** E.g. {@code 2} or {@code 2 for sigma in (0.3, 5]}. */
  public String describe() {
    return limited() ? number(scale) + " for sigma in (" + number(sigmaMin) + ", "
        + number(sigmaMax) + "]" : number(scale);
  }

  private static String number(double v) {
    return Double.isInfinite(v) ? "inf" : v == Math.rint(v) ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%s", v);
  }
}
