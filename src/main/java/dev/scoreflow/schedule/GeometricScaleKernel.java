package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/**
 * A scale-family kernel process whose scale grows geometrically, s(t) = sMin (sMax/sMin)^t on
 * t in [0, 1], as VE's noise scale (docs/theory.md, "Scale-family kernels"). Only the time
 * variable differs from the seed's (seed 001 writes s = t): a change of time leaves the ODE's
 * paths unchanged, and uniform steps in this t are uniform in log s, where the paths are smooth.
 * A concrete kernel names itself and gives its radial law.
 */
public abstract class GeometricScaleKernel extends KernelProcess {
  private final double sMin;
  private final double sMax;
  private final double logRatio;

  protected GeometricScaleKernel(RadialLaw law, double sMin, double sMax) {
    super(law);
    if (!(sMin > 0 && sMax > sMin)) {
      throw new IllegalArgumentException(
          "a kernel process needs 0 < s_min < s_max, got " + sMin + ", " + sMax);
    }
    this.sMin = sMin;
    this.sMax = sMax;
    this.logRatio = Math.log(sMax / sMin);
  }

  @Override
  public double s(double t) {
    return sMin * Math.exp(t * logRatio);
  }

  @Override
  public double sDot(double t) {
    return s(t) * logRatio;
  }

  @Override
  public double tOfS(double s) {
    return Math.log(s / sMin) / logRatio;
  }

  @Override
  public NDArray s(NDArray t) {
    return Scalars.muli(Scalars.mul(t, logRatio).exp(), sMin);
  }

  @Override
  public NDArray sDot(NDArray t) {
    return Scalars.muli(s(t), logRatio);
  }

  /** sigmaMax, checked against the smallest scale: the value of {@code --ve-sigma-max}. */
  protected static double checkedSigmaMax(double sigmaMax, double sigmaMin) {
    if (!(sigmaMax > sigmaMin) || Double.isInfinite(sigmaMax)) {
      throw new IllegalArgumentException("--ve-sigma-max: the largest noise scale must be finite"
          + " and above the smallest, " + sigmaMin + ", got " + sigmaMax);
    }
    return sigmaMax;
  }

  /** s(1), the scale of the prior. */
  public double sMax() {
    return sMax;
  }
}
