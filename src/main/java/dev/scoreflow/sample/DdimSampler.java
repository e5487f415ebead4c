package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * DDIM with eta on any grid and any process (THEORY.md, "DDIM with eta"): for a step t -> s,
 * x0 = (x - b_t eps)/a_t, sigma = eta (b_s/b_t) sqrt(b_t^2 - (a_t/a_s)^2 b_s^2), and
 * x_s = a_s x0 + sqrt(b_s^2 - sigma^2) eps + sigma z. eta = 0 is one Euler step of the
 * probability-flow ODE in lambda; eta = 1 is ancestral sampling with the posterior variance.
 */
public final class DdimSampler implements Sampler {
  private final int steps;
  private final double eta;
  private final TimeGrid.Spacing spacing;

  public DdimSampler(int steps, double eta, TimeGrid.Spacing spacing) {
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("--eta must lie in [0, 1], got " + eta);
    }
    this.steps = steps;
    this.eta = eta;
    this.spacing = spacing;
  }

  @Override
  public String describe() {
    return "ddim(steps=" + steps + ", eta=" + eta + ", spacing=" + spacing.name().toLowerCase() + ")";
  }

  @Override
  public NDArray sample(NoisePredictor eps, NoiseProcess p, NDArray xStart, double tMin,
      StepObserver observer) {
    double[] grid = TimeGrid.of(spacing, p, tMin, steps);
    StepLoop loop = new StepLoop(xStart);
    for (int k = 0; k < steps; k++) {
      double t = grid[k];
      double s = grid[k + 1];
      loop.advance(x -> step(eps, p, x, t, s));
      observer.onStep(s, loop.current());
    }
    return loop.result();
  }

  private NDArray step(NoisePredictor eps, NoiseProcess p, NDArray x, double t, double s) {
    double at = p.a(t);
    double bt = p.b(t);
    double as = p.a(s);
    double bs = p.b(s);
    double ratio = at / as;
    double sigma = eta * (bs / bt) * Math.sqrt(Math.max(0, bt * bt - ratio * ratio * bs * bs));
    double dirScale = Math.sqrt(Math.max(0, bs * bs - sigma * sigma));
    NDArray e = eps.predict(x, t);
    // a_s x0 + dirScale eps, with x0 = (x - b_t eps)/a_t, regrouped as c_x x + c_e eps.
    NDArray next = Scalars.mul(x, as / at).addi(Scalars.mul(e, dirScale - as * bt / at));
    if (sigma > 0) {
      next.addi(Scalars.muli(x.getManager().randomNormal(x.getShape()), sigma));
    }
    return next;
  }
}
