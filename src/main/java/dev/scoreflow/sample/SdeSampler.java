package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.schedule.GaussianProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * The seed-000 family dx = [f x - (g^2 + sigma^2)/2 s(x,t)] dt + sigma dw with sigma = gamma g,
 * solved by Euler-Maruyama from tMax to tMin (docs/theory.md, "Sampling: one family, three classic members"). With s = -eps/b the drift
 * is f x + (g^2 + sigma^2)/(2 b) eps. gamma = 1 is the reverse SDE, gamma = 0 the
 * probability-flow ODE by Euler in t; every gamma has the same marginals. Gaussian processes only.
 */
public final class SdeSampler extends GridSampler {
  private final double gamma;

  public SdeSampler(int steps, double gamma, TimeGrid.Spacing spacing) {
    super(steps, spacing);
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("--gamma must lie in [0, 1], got " + gamma);
    }
    this.gamma = gamma;
  }

  @Override
  public String describe() {
    return "sde(steps=" + steps + ", gamma=" + gamma + ", spacing=" + spacing.id() + ")";
  }

  @Override
  public void check(dev.scoreflow.schedule.NoiseProcess process) {
    gaussianWithSignal(process, "sde");
  }

  @Override
  protected Rule rule(Denoiser d, NDManager owner) {
    GaussianProcess p = gaussianWithSignal(d.process(), "sde");
    return (x, k, t, s) -> {
      double dt = s - t; // negative: time runs backwards
      double g2 = p.g2(t);
      double sigma2 = gamma * gamma * g2;
      NDArray next = d.at(x, t).linear(1 + p.f(t) * dt, (g2 + sigma2) / (2 * p.b(t)) * dt, 0);
      if (sigma2 > 0) {
        next = next.add(Scalars.muli(x.getManager().randomNormal(x.getShape()),
            Math.sqrt(sigma2 * -dt)));
      }
      return next;
    };
  }
}
