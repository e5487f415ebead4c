package dev.scoreflow.schedule;

/**
 * The kernel of seed 001's reverse construction with psi_t(r) = tanh(r / s(t)) (eqs. 30-31;
 * docs/theory.md, "Reverse construction"): x_t = x_0 + s(t) z, |z| = artanh U, a uniform
 * direction ({@link TanhRadialLaw}). The scale is geometric from 0.001 to sigma_max
 * ({@code --ve-sigma-max}), like VE's. This class and its law are all a new process takes.
 */
public final class TanhKernel extends GeometricScaleKernel {
  /** s(0). */
  public static final double S_MIN = 1e-3;

  public TanhKernel(double sMax) {
    super(new TanhRadialLaw(), S_MIN, checkedSigmaMax(sMax, S_MIN));
  }

  @Override
  public String name() {
    return "tanh-kernel";
  }
}
