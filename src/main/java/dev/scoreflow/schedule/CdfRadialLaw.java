package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.Scalars;
import org.apache.commons.math3.special.Gamma;

/**
 * Seed 001's reverse construction (eqs. 30-31; docs/theory.md, "Reverse construction"): a radial
 * law given by the CDF Psi(r) of its radius |z|, the same in every dimension d. Psi(0) = 0,
 * Psi(inf) = 1, increasing; with x_t = x_0 + s(t) z the kernel's radius CDF is Psi(r / s(t)),
 * which tends to a step as s -> 0, as eq. 31 requires. Then |z| = Psi^-1(U), U ~ U(0, 1), times
 * a uniform direction, and the density in R^d is Psi'(r) / (|S^(d-1)| r^(d-1)), |S^(d-1)| =
 * 2 pi^(d/2) / Gamma(d/2) the area of the unit sphere (eq. 31's phi, normalised). A new kernel
 * is the three functions below.
 */
public abstract class CdfRadialLaw implements RadialLaw {

  /** Psi(r) for a radius r >= 0 (host). */
  public abstract double radiusCdf(double r);

  /** log Psi'(r) on r's device. */
  protected abstract NDArray logRadiusDensity(NDArray r);

  /** Psi^-1(u) on u's device, u in [0, 1). */
  protected abstract NDArray inverseRadiusCdf(NDArray u);

  /**
   * The median radius Psi^-1(1/2): |z| is the same in every dimension, so this is the scale of a
   * coordinate in low dimension and overstates it by about sqrt(d) in dimension d.
   */
  @Override
  public double coordinateScale() {
    return medianRadius();
  }

  /** Psi^-1(1/2) (host). */
  protected abstract double medianRadius();

  @Override
  public NDArray sample(NDManager manager, Shape shape) {
    long[] b = new long[shape.dimension()];
    java.util.Arrays.fill(b, 1);
    b[0] = shape.get(0);
    NDArray radius = inverseRadiusCdf(manager.randomUniform(0f, 1f, new Shape(b)));
    return RadialLaw.uniformDirections(manager, shape).muli(radius);
  }

  @Override
  public NDArray logDensity(NDArray z) {
    long n = z.getShape().get(0);
    long dim = z.size() / n;
    // r = 0 has density 0 or infinity; a floor keeps log r finite there
    NDArray r = Scalars.maximum(z.reshape(n, dim).norm(new int[] {1}), 1e-30);
    NDArray logR = r.log();
    NDArray out = logRadiusDensity(r).subi(Scalars.muli(logR, dim - 1));
    return Scalars.addi(out, -logSphereArea(dim));
  }

  /** log |S^(d-1)| = log(2 pi^(d/2) / Gamma(d/2)). */
  public static double logSphereArea(long dim) {
    return Math.log(2) + 0.5 * dim * Math.log(Math.PI) - Gamma.logGamma(0.5 * dim);
  }
}
