package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/**
 * Variance-exploding process (NCSN; docs/theory.md, "One notation", the table): a = 1, b(t) = smin (smax/smin)^t,
 * f = 0, g^2 = d(b^2)/dt = 2 b^2 ln(smax/smin).
 */
public final class Ve implements GaussianProcess {
  /** Smallest noise scale of a run's VE process. */
  public static final double DEFAULT_SIGMA_MIN = 0.01;
  /** Largest noise scale: about the diameter of the 2-D data sets (the training default too). */
  public static final double DEFAULT_SIGMA_MAX = 10.0;

  private final double smin;
  private final double smax;
  private final double logRatio;

  public Ve() {
    this(DEFAULT_SIGMA_MIN, DEFAULT_SIGMA_MAX);
  }

  public Ve(double smin, double smax) {
    if (!(smin > 0 && smax > smin)) {
      throw new IllegalArgumentException("ve needs 0 < smin < smax, got " + smin + ", " + smax);
    }
    this.smin = smin;
    this.smax = smax;
    this.logRatio = Math.log(smax / smin);
  }

  @Override
  public String name() {
    return "ve";
  }

  @Override
  public double a(double t) {
    return 1.0;
  }

  @Override
  public double b(double t) {
    return smin * Math.exp(t * logRatio);
  }

  @Override
  public double aDot(double t) {
    return 0.0;
  }

  @Override
  public double bDot(double t) {
    return b(t) * logRatio;
  }

  @Override
  public NDArray aDot(NDArray t) {
    return t.zerosLike();
  }

  @Override
  public NDArray bDot(NDArray t) {
    return Scalars.mul(b(t), logRatio);
  }

  @Override
  public double f(double t) {
    return 0.0;
  }

  @Override
  public double g2(double t) {
    double b = b(t);
    return 2 * b * b * logRatio;
  }

  @Override
  public double lambda(double t) {
    return b(t);
  }

  @Override
  public double tOfLambda(double lambda) {
    return Math.log(lambda / smin) / logRatio;
  }

  public double smax() {
    return smax;
  }

  @Override
  public NDArray a(NDArray t) {
    return t.onesLike();
  }

  @Override
  public NDArray b(NDArray t) {
    return Scalars.mul(Scalars.mul(t, logRatio).exp(), smin);
  }
}
