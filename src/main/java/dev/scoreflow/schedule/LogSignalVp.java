package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.scoreflow.tensor.Scalars;

/**
 * A variance-preserving process given by log a(t): b = sqrt(1 - a^2), lambda = b/a and g^2 =
 * -2 f follow from it (docs/theory.md, "One notation": b^2 = 1 - a^2 gives d(b^2)/dt = -2 f a^2),
 * and so do a' = f a and b' = -a a'/b = -f a^2/b.
 */
abstract class LogSignalVp implements GaussianProcess {

  /** log a(t). */
  abstract double logSignal(double t);

  /** log a(t) for a batch of times, on t's device. */
  abstract NDArray logSignal(NDArray t);

  /** f(t) = d log a/dt for a batch of times, on t's device. */
  abstract NDArray logSignalRate(NDArray t);

  @Override
  public double aDot(double t) {
    return f(t) * a(t);
  }

  @Override
  public double bDot(double t) {
    double a = a(t);
    return -f(t) * a * a / b(t);
  }

  @Override
  public NDArray aDot(NDArray t) {
    return logSignalRate(t).mul(a(t));
  }

  @Override
  public NDArray bDot(NDArray t) {
    return logSignalRate(t).mul(a(t).square()).div(b(t)).neg();
  }

  @Override
  public double a(double t) {
    return Math.exp(logSignal(t));
  }

  @Override
  public double b(double t) {
    return Math.sqrt(-Math.expm1(2 * logSignal(t)));
  }

  @Override
  public double lambda(double t) {
    return Math.sqrt(Math.expm1(-2 * logSignal(t)));
  }

  @Override
  public double g2(double t) {
    return -2 * f(t);
  }

  @Override
  public NDArray a(NDArray t) {
    return logSignal(t).exp();
  }

  /**
   * b = sqrt(-expm1(2 log a)) on the device. 1 - exp(u) in float32 loses all precision for u
   * near 0 and can even come out negative (a vectorised exp may round above 1), which made sqrt
   * return NaN at small t; a series is used there instead.
   */
  @Override
  public NDArray b(NDArray t) {
    NDArray u = Scalars.mul(logSignal(t), 2);
    // -u (1 + u/2 + u^2/6)
    NDArray series = Scalars.add(u.mul(Scalars.add(Scalars.mul(u, 1.0 / 6), 0.5)), 1).mul(u).neg();
    NDArray direct = Scalars.add(u.exp().neg(), 1);
    return Scalars.maximum(NDArrays.where(Scalars.gt(u, -1e-2), series, direct), 0).sqrt();
  }
}
