package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * DDPM ancestral sampling (docs/theory.md, "Sampling: one family, three classic members", DDPM ancestral), written for any grid t -> s of any
 * Gaussian process: with alpha = a_t/a_s and beta = b_t^2 - alpha^2 b_s^2 (which is DDPM's
 * beta_i for VP), x_s = (x - beta/b_t eps)/alpha + sigma z, sigma^2 = beta ("large") or the
 * posterior variance beta b_s^2/b_t^2. The last step adds no noise, as in the DDPM paper. On the
 * {@code ddpm} process with N uniform steps this is exactly the paper's sampler.
 */
public final class DdpmSampler extends GridSampler {
  /** Which reverse variance sigma_i^2 to use. */
  public enum Variance {
    LARGE,
    POSTERIOR
  }

  private final Variance variance;

  /** On the {@code ddpm} process, uniform spacing with its N steps is the paper's sampler. */
  public DdpmSampler(int steps, Variance variance, TimeGrid.Spacing spacing) {
    super(steps, spacing);
    this.variance = variance;
  }

  public DdpmSampler(int steps, Variance variance) {
    this(steps, variance, TimeGrid.Spacing.UNIFORM);
  }

  @Override
  public String describe() {
    return "ddpm(steps=" + steps + ", variance=" + variance.name().toLowerCase() + ", spacing="
        + spacing.id() + ")";
  }

  @Override
  public void check(NoiseProcess process) {
    gaussianWithSignal(process, "ddpm");
  }

  @Override
  protected Rule rule(Denoiser d, NDManager owner) {
    NoiseProcess p = d.process();
    return (x, k, t, s) -> {
      double bt = p.b(t);
      double bs = p.b(s);
      double alpha = p.a(t) / p.a(s);
      double beta = bt * bt - alpha * alpha * bs * bs;
      NDArray next = d.at(x, t).linear(1 / alpha, -beta / (bt * alpha), 0);
      if (k < steps - 1) {
        double var = variance == Variance.LARGE ? beta : beta * bs * bs / (bt * bt);
        next = next.add(Scalars.muli(x.getManager().randomNormal(x.getShape()),
            Math.sqrt(Math.max(0, var))));
      }
      return next;
    };
  }
}
