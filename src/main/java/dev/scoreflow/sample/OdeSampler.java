package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.sample.ode.DormandPrince45;
import dev.scoreflow.sample.ode.OdeSolver;
import dev.scoreflow.sample.ode.ProbabilityFlow;
import dev.scoreflow.schedule.NoiseProcess;

/**
 * Samples by solving the probability-flow ODE (THEORY.md) from tMax to tMin with a fixed-step
 * solver on a time grid, or adaptively with rk45 (which only uses the grid's ends).
 */
public final class OdeSampler implements Sampler {
  private final OdeSolver solver;
  private final int steps;
  private final TimeGrid.Spacing spacing;

  public OdeSampler(OdeSolver solver, int steps, TimeGrid.Spacing spacing) {
    this.solver = solver;
    this.steps = steps;
    this.spacing = spacing;
  }

  public OdeSolver solver() {
    return solver;
  }

  @Override
  public String describe() {
    if (solver instanceof DormandPrince45) {
      DormandPrince45 dp = (DormandPrince45) solver;
      // Over every solve so far: eval and chunked sampling run one solve per chunk.
      String per = dp.solves() > 1 ? " in " + dp.solves() + " solves" : "";
      return "ode(solver=rk45, accepted=" + dp.totalAcceptedSteps() + ", rejected="
          + dp.totalRejectedSteps() + per + ")";
    }
    return "ode(solver=" + solver.name() + ", steps=" + steps + ", spacing="
        + spacing.name().toLowerCase() + ")";
  }

  @Override
  public NDArray sample(NoisePredictor eps, NoiseProcess p, NDArray xStart, double tMin,
      StepObserver observer) {
    int n = solver instanceof DormandPrince45 ? 1 : steps;
    double[] grid = TimeGrid.of(spacing, p, tMin, n);
    StepObserver obs = observer;
    return new ProbabilityFlow(eps, p).transport(solver, xStart, grid,
        obs == StepObserver.NONE ? OdeSolver.Observer.NONE : obs::onStep);
  }
}
