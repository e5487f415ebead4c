package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * DDIM with eta on any grid and any Gaussian process (docs/theory.md, "Sampling: one family, three classic members", DDIM with eta): for a step
 * t -> s, sigma = eta (b_s/b_t) sqrt(b_t^2 - (a_t/a_s)^2 b_s^2) and
 * x_s = a_s x0_hat + sqrt(b_s^2 - sigma^2) eps_hat + sigma z. eta = 0 is one Euler step of the
 * probability-flow ODE in lambda; eta = 1 is ancestral sampling with the posterior variance.
 * Written in x0_hat and eps_hat, not x / a_t, so it also starts where a_t = 0 (rectified flow).
 */
public final class DdimSampler extends GridSampler {
  private final double eta;

  public DdimSampler(int steps, double eta, TimeGrid.Spacing spacing) {
    super(steps, spacing);
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("--eta must lie in [0, 1], got " + eta);
    }
    this.eta = eta;
  }

  @Override
  public String describe() {
    return "ddim(steps=" + steps + ", eta=" + eta + ", spacing=" + spacing.id() + ")";
  }

  @Override
  public void check(NoiseProcess process) {
    gaussian(process, "ddim");
  }

  @Override
  protected Rule rule(Denoiser d, NDManager owner) {
    NoiseProcess p = d.process();
    return (x, k, t, s) -> {
      double at = p.a(t);
      double bt = p.b(t);
      double as = p.a(s);
      double bs = p.b(s);
      double ratio = at / as;
      double sigma = eta * (bs / bt) * Math.sqrt(Math.max(0, bt * bt - ratio * ratio * bs * bs));
      double dirScale = Math.sqrt(Math.max(0, bs * bs - sigma * sigma));
      NDArray next = d.at(x, t).linear(0, dirScale, as);
      if (sigma > 0) {
        next = next.add(Scalars.muli(x.getManager().randomNormal(x.getShape()), sigma));
      }
      return next;
    };
  }
}
