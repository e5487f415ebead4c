package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * The seed-000 family dx = [f x - (g^2 + sigma^2)/2 s(x,t)] dt + sigma dw with sigma = gamma g,
 * solved by Euler-Maruyama from tMax to tMin (THEORY.md, "Sampling"). With s = -eps/b the drift
 * is f x + (g^2 + sigma^2)/(2 b) eps. gamma = 1 is the reverse SDE, gamma = 0 the
 * probability-flow ODE by Euler in t; every gamma has the same marginals.
 */
public final class SdeSampler implements Sampler {
  private final int steps;
  private final double gamma;
  private final TimeGrid.Spacing spacing;

  public SdeSampler(int steps, double gamma, TimeGrid.Spacing spacing) {
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("--gamma must lie in [0, 1], got " + gamma);
    }
    this.steps = steps;
    this.gamma = gamma;
    this.spacing = spacing;
  }

  @Override
  public String describe() {
    return "sde(steps=" + steps + ", gamma=" + gamma + ", spacing=" + spacing.name().toLowerCase() + ")";
  }

  @Override
  public NDArray sample(NoisePredictor eps, NoiseProcess p, NDArray xStart, double tMin,
      StepObserver observer) {
    double[] grid = TimeGrid.of(spacing, p, tMin, steps);
    StepLoop loop = new StepLoop(xStart);
    for (int k = 0; k < steps; k++) {
      double t = grid[k];
      double dt = grid[k + 1] - t; // negative: time runs backwards
      loop.advance(x -> step(eps, p, x, t, dt));
      observer.onStep(grid[k + 1], loop.current());
    }
    return loop.result();
  }

  private NDArray step(NoisePredictor eps, NoiseProcess p, NDArray x, double t, double dt) {
    double g2 = p.g2(t);
    double sigma2 = gamma * gamma * g2;
    NDArray e = eps.predict(x, t);
    NDArray next = Scalars.mul(x, 1 + p.f(t) * dt).addi(Scalars.mul(e, (g2 + sigma2) / (2 * p.b(t)) * dt));
    if (sigma2 > 0) {
      next.addi(Scalars.muli(x.getManager().randomNormal(x.getShape()), Math.sqrt(sigma2 * -dt)));
    }
    return next;
  }
}
