package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/**
 * Variance-preserving cosine process (docs/theory.md, "One notation", the table): a(t) = cos((t+s)/(1+s) pi/2) /
 * cos(s/(1+s) pi/2), b = sqrt(1 - a^2). Since a(1) = 0, sampling starts at {@link #tMax()} < 1.
 */
public final class VpCosine implements GaussianProcess {
  private final double s;
  private final double tMax;
  private final double a0;

  public VpCosine() {
    this(0.008, 0.999);
  }

  public VpCosine(double s, double tMax) {
    if (s < 0 || !(tMax > 0 && tMax < 1)) {
      throw new IllegalArgumentException("vp-cosine needs s >= 0 and 0 < tMax < 1");
    }
    this.s = s;
    this.tMax = tMax;
    this.a0 = Math.cos(s / (1 + s) * Math.PI / 2);
  }

  @Override
  public String name() {
    return "vp-cosine";
  }

  private double angle(double t) {
    return (t + s) / (1 + s) * Math.PI / 2;
  }

  @Override
  public double a(double t) {
    return Math.cos(angle(t)) / a0;
  }

  @Override
  public double b(double t) {
    // 1 - cos^2(th)/cos^2(th0) = sin(th - th0) sin(th + th0) / cos^2(th0): exact near t = 0,
    // where 1 - a^2 cancels to nothing in float32.
    double th = angle(t);
    double th0 = angle(0);
    return Math.sqrt(Math.max(0.0, Math.sin(th - th0) * Math.sin(th + th0))) / a0;
  }

  @Override
  public double aDot(double t) {
    return -Math.sin(angle(t)) * rate() / a0;
  }

  /** b' = d(b^2)/dt / (2b), with b^2 = sin(th - th0) sin(th + th0) / a0^2, d/dt = sin(2 th) th'. */
  @Override
  public double bDot(double t) {
    return Math.sin(2 * angle(t)) * rate() / (2 * a0 * a0 * b(t));
  }

  @Override
  public NDArray aDot(NDArray t) {
    return Scalars.mul(angle(t).sin(), -rate() / a0);
  }

  @Override
  public NDArray bDot(NDArray t) {
    return Scalars.mul(Scalars.mul(angle(t), 2).sin(), rate() / (2 * a0 * a0)).div(b(t));
  }

  /** d(angle)/dt. */
  private double rate() {
    return Math.PI / (2 * (1 + s));
  }

  @Override
  public double f(double t) {
    return -Math.tan(angle(t)) * Math.PI / (2 * (1 + s));
  }

  @Override
  public double g2(double t) {
    // b^2 = 1 - a^2 gives d(b^2)/dt = -2 f a^2, so g^2 = -2 f (a^2 + b^2) = -2 f.
    return -2 * f(t);
  }

  @Override
  public double tOfLambda(double lambda) {
    double a = 1 / Math.sqrt(1 + lambda * lambda);
    return Math.acos(a * a0) * 2 * (1 + s) / Math.PI - s;
  }

  @Override
  public double tMax() {
    return tMax;
  }

  @Override
  public NDArray a(NDArray t) {
    return Scalars.div(angle(t).cos(), a0);
  }

  @Override
  public NDArray b(NDArray t) {
    double th0 = angle(0);
    NDArray th = angle(t);
    return Scalars.div(Scalars.maximum(Scalars.sub(th, th0).sin().mul(Scalars.add(th, th0).sin()), 0)
        .sqrt(), a0);
  }

  /** (t + s)/(1 + s) pi/2 on t's device. */
  private NDArray angle(NDArray t) {
    return Scalars.mul(Scalars.add(t, s), Math.PI / (2 * (1 + s)));
  }
}
