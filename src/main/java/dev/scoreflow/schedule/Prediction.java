package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * What a network predicts of x_t = a x_0 + b n (docs/theory.md, "Parameterisations"): the noise
 * n ({@code eps}), the data x_0 ({@code x0}) or the conditional velocity
 * dx_t/dt = a' x_0 + b' n ({@code velocity}). Given x_t, each determines the others by an affine
 * map whose coefficients depend on t alone ({@link #epsOf}, {@link #x0Of}); the samplers only
 * ever see those (through {@code sample/Denoiser}), never the parameterisation.
 */
public enum Prediction {
  EPS {
    @Override
    NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast) {
      return n;
    }

    @Override
    public Affine epsOf(double a, double b, double aDot, double bDot) {
      return new Affine(0, 1);
    }

    @Override
    public Affine x0Of(double a, double b, double aDot, double bDot) {
      return new Affine(1 / a, -b / a);
    }
  },
  X0 {
    @Override
    NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast) {
      return x0;
    }

    @Override
    public Affine epsOf(double a, double b, double aDot, double bDot) {
      return new Affine(1 / b, -a / b);
    }

    @Override
    public Affine x0Of(double a, double b, double aDot, double bDot) {
      return new Affine(0, 1);
    }
  },
  VELOCITY {
    @Override
    NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast) {
      return x0.mul(p.aDot(t).reshape(bcast)).add(n.mul(p.bDot(t).reshape(bcast)));
    }

    // x = a x0 + b n and v = a' x0 + b' n solved for n and x0; det = a b' - a' b = a^2 dlambda/dt.
    @Override
    public Affine epsOf(double a, double b, double aDot, double bDot) {
      double det = a * bDot - aDot * b;
      return new Affine(-aDot / det, a / det);
    }

    @Override
    public Affine x0Of(double a, double b, double aDot, double bDot) {
      double det = a * bDot - aDot * b;
      return new Affine(bDot / det, -b / det);
    }
  };

  /** y = x * x + p * prediction: an estimate as an affine function of x_t and the prediction. */
  public record Affine(double x, double p) {
    /** c y for a number c. */
    public Affine times(double c) {
      return new Affine(c * x, c * p);
    }

    public Affine plus(Affine o) {
      return new Affine(x + o.x, p + o.p);
    }
  }

  /** The regression target for x_0, noise n and times t ([B]); bcast is [B, 1, ...]. */
  abstract NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast);

  /** The noise estimate n_hat as an affine function of x_t and this prediction at (a, b, a', b'). */
  public abstract Affine epsOf(double a, double b, double aDot, double bDot);

  /** The data estimate x0_hat as an affine function of x_t and this prediction. */
  public abstract Affine x0Of(double a, double b, double aDot, double bDot);

  /** The name used in configs and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code eps}, {@code x0} or {@code velocity}. */
  public static Prediction parse(String s) {
    for (Prediction p : values()) {
      if (p.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("--prediction: expected eps, x0 or velocity, got '" + s + "'");
  }

  /**
   * The parameterisation of a run: the config's {@code prediction}, or the process's default
   * when it is null (runs and models from before the flag), checked against the process.
   */
  public static Prediction resolve(String configured, NoiseProcess process) {
    Prediction p = configured == null ? process.defaultPrediction() : parse(configured);
    process.checkPrediction(p);
    return p;
  }
}
