package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.Scalars;
import java.util.Locale;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * The radial law of Poisson flow with D extra dimensions (PFGM++; D = 1 is seed 001's
 * gravitational model, eqs. 11-17; docs/theory.md, "Poisson flow"): in R^d
 *
 * <pre>
 *   rho_D(z) = Gamma((d + D)/2) / (pi^(d/2) Gamma(D/2)) (1 + |z|^2)^(-(d + D)/2),
 * </pre>
 *
 * drawn as z = eps_d / |eps_D| with eps_d ~ N(0, I_d), eps_D ~ N(0, I_D) (eqs. 19-22 for D = 1).
 * The radius has density proportional to r^(d-1) (1 + r^2)^(-(d+D)/2) (eq. 20), and
 * u = r^2 / (1 + r^2) follows Beta(d/2, D/2): P(|z| <= r) = I_u(d/2, D/2), the regularised
 * incomplete beta function. Its tail is a power law, P(|z| > r) ~ r^-D: for D = 1 the mean of |z|
 * is infinite.
 */
public final class PfgmLaw implements RadialLaw {
  private final int extraDims;

  public PfgmLaw(int extraDims) {
    if (extraDims < 1) {
      throw new IllegalArgumentException("--pfgm-d must be at least 1, got " + extraDims);
    }
    this.extraDims = extraDims;
  }

  /** D. */
  public int extraDims() {
    return extraDims;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "(1 + |z|^2)^(-(d + %d)/2)", extraDims);
  }

  /** 1 / sqrt(D): z = eps_d / |eps_D| and |eps_D| is about sqrt(D) (PFGM++'s r = sigma sqrt(D)). */
  @Override
  public double coordinateScale() {
    return 1 / Math.sqrt(extraDims);
  }

  @Override
  public NDArray sample(NDManager manager, Shape shape) {
    long n = shape.get(0);
    NDArray norm = manager.randomNormal(new Shape(n, extraDims)).norm(new int[] {1}, true);
    return manager.randomNormal(shape).reshape(n, -1).divi(norm).reshape(shape);
  }

  /**
   * Draws from rho_D conditioned on |z| <= the radius quantile q of dimension d: draws past it
   * are redrawn a few times (each round keeps a share 1 - q of them), the few left after that
   * are pulled in to the radius.
   */
  public NDArray sampleTruncated(NDManager manager, Shape shape, double quantile) {
    long n = shape.get(0);
    long dim = shape.size() / n;
    double limit = radiusQuantile(quantile, dim);
    NDArray z = sample(manager, shape).reshape(n, dim);
    for (int round = 0; round < 4; round++) {
      NDArray outside = Scalars.gt(z.norm(new int[] {1}, true), limit).broadcast(n, dim);
      z = NDArrays.where(outside, sample(manager, shape).reshape(n, dim), z);
    }
    NDArray radius = z.norm(new int[] {1}, true);
    NDArray pull = Scalars.minimum(Scalars.rdiv(limit, Scalars.maximum(radius, 1e-30)), 1);
    return z.muli(pull).reshape(shape);
  }

  @Override
  public NDArray logDensity(NDArray z) {
    long n = z.getShape().get(0);
    long dim = z.size() / n;
    double a = 0.5 * (dim + extraDims);
    double logNorm = Gamma.logGamma(a) - Gamma.logGamma(0.5 * extraDims)
        - 0.5 * dim * Math.log(Math.PI);
    NDArray sq = z.reshape(n, dim).square().sum(new int[] {1});
    return Scalars.addi(Scalars.muli(Scalars.addi(sq, 1).log(), -a), logNorm);
  }

  /** P(|z| <= r) in dimension d: I_u(d/2, D/2) with u = r^2 / (1 + r^2). */
  public double radiusCdf(double r, long dim) {
    if (r <= 0) {
      return 0;
    }
    double u = r * r / (1 + r * r);
    return Beta.regularizedBeta(u, 0.5 * dim, 0.5 * extraDims);
  }

  /** The radius r with P(|z| <= r) = q in dimension d. */
  public double radiusQuantile(double q, long dim) {
    double u = new BetaDistribution(0.5 * dim, 0.5 * extraDims).inverseCumulativeProbability(q);
    return Math.sqrt(u / (1 - u));
  }
}
