package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/**
 * The radial law of seed 001's example psi_t(r) = tanh(r / t) (eq. 31; docs/theory.md, "Reverse
 * construction"): Psi(r) = tanh r, so |z| = artanh U and Psi'(r) = 1 - tanh^2 r = sech^2 r.
 * Its tail is exponential (1 - tanh r ~ 2 exp(-2r)): the prior needs no truncation. Unlike a
 * Gaussian, |z| does not grow with the dimension (median artanh(1/2) = 0.55 in every d).
 */
public final class TanhRadialLaw extends CdfRadialLaw {

  @Override
  public String describe() {
    return "|z| with CDF tanh r, uniform direction";
  }

  @Override
  public double radiusCdf(double r) {
    return Math.tanh(r);
  }

  /** artanh(1/2) = log(3) / 2. */
  @Override
  protected double medianRadius() {
    return 0.5 * Math.log(3);
  }

  // log sech^2 r = 2 log 2 - 2r - 2 log(1 + exp(-2r)), stable for large r
  @Override
  protected NDArray logRadiusDensity(NDArray r) {
    NDArray tail = Scalars.add(Scalars.mul(r, -2).exp(), 1).log(); // exp kept intact: autograd needs it
    return Scalars.addi(Scalars.mul(r, -2).subi(Scalars.muli(tail, 2)), 2 * Math.log(2));
  }

  // artanh u = (log(1 + u) - log(1 - u)) / 2; u below 1 - 1e-7 so that float keeps it finite
  @Override
  protected NDArray inverseRadiusCdf(NDArray u) {
    NDArray v = Scalars.minimum(u, 1 - 1e-7);
    return Scalars.muli(Scalars.add(v, 1).log().subi(Scalars.rsub(1, v).log()), 0.5);
  }
}
