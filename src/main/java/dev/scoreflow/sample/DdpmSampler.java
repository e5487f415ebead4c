package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * DDPM ancestral sampling (THEORY.md, "DDPM ancestral"), written for any grid t -> s of any
 * process: with alpha = a_t/a_s and beta = b_t^2 - alpha^2 b_s^2 (which is DDPM's beta_i for
 * VP), x_s = (x - beta/b_t eps)/alpha + sigma z, sigma^2 = beta ("large") or the posterior
 * variance beta b_s^2/b_t^2. The last step adds no noise, as in the DDPM paper. On the
 * {@code ddpm} process with N uniform steps this is exactly the paper's sampler.
 */
public final class DdpmSampler implements Sampler {
  /** Which reverse variance sigma_i^2 to use. */
  public enum Variance {
    LARGE,
    POSTERIOR
  }

  private final int steps;
  private final Variance variance;
  private final TimeGrid.Spacing spacing;

  /** On the {@code ddpm} process, uniform spacing with its N steps is the paper's sampler. */
  public DdpmSampler(int steps, Variance variance, TimeGrid.Spacing spacing) {
    this.steps = steps;
    this.variance = variance;
    this.spacing = spacing;
  }

  public DdpmSampler(int steps, Variance variance) {
    this(steps, variance, TimeGrid.Spacing.UNIFORM);
  }

  @Override
  public String describe() {
    return "ddpm(steps=" + steps + ", variance=" + variance.name().toLowerCase() + ", spacing="
        + spacing.name().toLowerCase() + ")";
  }

  @Override
  public NDArray sample(NoisePredictor eps, NoiseProcess p, NDArray xStart, double tMin,
      StepObserver observer) {
    double[] grid = TimeGrid.of(spacing, p, tMin, steps);
    StepLoop loop = new StepLoop(xStart);
    for (int k = 0; k < steps; k++) {
      double t = grid[k];
      double s = grid[k + 1];
      boolean last = k == steps - 1;
      loop.advance(x -> step(eps, p, x, t, s, last));
      observer.onStep(s, loop.current());
    }
    return loop.result();
  }

  private NDArray step(NoisePredictor eps, NoiseProcess p, NDArray x, double t, double s,
      boolean last) {
    double bt = p.b(t);
    double bs = p.b(s);
    double alpha = p.a(t) / p.a(s);
    double beta = bt * bt - alpha * alpha * bs * bs;
    NDArray e = eps.predict(x, t);
    NDArray next = Scalars.divi(x.sub(Scalars.mul(e, beta / bt)), alpha);
    if (!last) {
      double var = variance == Variance.LARGE ? beta : beta * bs * bs / (bt * bt);
      next.addi(Scalars.muli(x.getManager().randomNormal(x.getShape()), Math.sqrt(Math.max(0, var))));
    }
    return next;
  }
}
