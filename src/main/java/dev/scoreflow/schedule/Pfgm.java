package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.Scalars;
import java.util.Locale;

/**
 * Poisson flow (docs/theory.md, "Poisson flow (PFGM and PFGM++)"): the scale family with
 * rho_D(z) proportional to (1 + |z|^2)^(-(d+D)/2) ({@link PfgmLaw}). D = 1 is seed 001's
 * gravitational model (eqs. 11-22), whose kernel at scale s is eq. 15 with t = s; any D >= 1 is
 * PFGM++. The scale is PFGM++'s r = sigma sqrt(D) with sigma geometric from 0.001 to sigma_max
 * (the {@code --ve-sigma-max} knob, default 10 for the 2-D sets): |z| is about sqrt(d / D), so
 * s |z| is about sigma sqrt(d) as for VE with that sigma, which large D approaches.
 *
 * <p>The tail: P(|z| > r) falls only as r^-D, so some prior draws start very far out (for D = 1
 * one in a hundred beyond 100 s(1) in 2-D). Sampling starts from the prior truncated at the
 * radius quantile {@link #PRIOR_QUANTILE}: those far draws end at distances of order
 * s(t_min)|z| from the data, where they would only add outliers. Training draws its noise from
 * the same truncated law: along the ODE |x - x0_hat| / s changes little, so the sampler never
 * visits what lies beyond, and the posterior weights of x0_hat change only by rho_D at that
 * radius, below 1e-6 of its peak (docs/theory.md). The likelihood uses the exact rho_D.
 */
public final class Pfgm extends GeometricScaleKernel {
  /** Smallest sigma: s(0) = sqrt(D) 0.001, so the heavy tail at the end stays short. */
  public static final double SIGMA_MIN = 1e-3;
  /** Share of rho_D's radius mass the prior draw keeps. */
  public static final double PRIOR_QUANTILE = 0.99;

  private final PfgmLaw law;

  public Pfgm(int extraDims, double sigmaMax) {
    this(new PfgmLaw(extraDims), sigmaMax);
  }

  private Pfgm(PfgmLaw law, double sigmaMax) {
    super(law, Math.sqrt(law.extraDims()) * SIGMA_MIN,
        Math.sqrt(law.extraDims()) * checkedSigmaMax(sigmaMax, SIGMA_MIN));
    this.law = law;
  }

  @Override
  public String name() {
    return "pfgm";
  }

  /** D. */
  public int extraDims() {
    return law.extraDims();
  }

  /** Training's draw: rho_D truncated where the prior is (class comment). */
  @Override
  public NDArray sampleNoise(NDManager manager, Shape shape) {
    return law.sampleTruncated(manager, shape, PRIOR_QUANTILE);
  }

  @Override
  public NDArray samplePrior(NDManager manager, Shape shape) {
    return Scalars.muli(law.sampleTruncated(manager, shape, PRIOR_QUANTILE), sMax());
  }

  @Override
  public String describePrior() {
    return String.format(Locale.ROOT,
        "prior s z, z ~ %s (D = %d), |z| truncated at its %.2f quantile, s = %.4f at t = %s",
        law.describe(), extraDims(), PRIOR_QUANTILE, sMax(), tMax());
  }
}
