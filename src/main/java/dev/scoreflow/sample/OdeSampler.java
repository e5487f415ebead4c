package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.sample.ode.OdeSolver;
import dev.scoreflow.sample.ode.ProbabilityFlow;

/**
 * Samples by solving the probability-flow ODE (docs/theory.md, "Probability-flow ODE") from
 * tMax to tMin in the process's own coordinates, with a fixed-step solver on a time grid, or
 * adaptively (rk45) between the grid's ends. Works for every process.
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
    return solver.usesGrid()
        ? "ode(" + solver.summary() + ", steps=" + steps + ", spacing=" + spacing.id() + ")"
        : "ode(" + solver.summary() + ")";
  }

  /** The grid's check, before any work (the ODE itself takes every process). */
  @Override
  public void check(Denoiser denoiser) {
    if (solver.usesGrid()) {
      TimeGrid.check(spacing, denoiser.process());
    }
  }

  @Override
  public NDArray sample(Denoiser denoiser, NDArray xStart, double tMin, StepObserver observer) {
    double[] grid = solver.usesGrid()
        ? TimeGrid.of(spacing, denoiser.process(), tMin, steps)
        : TimeGrid.of(TimeGrid.Spacing.UNIFORM, denoiser.process(), tMin, 1);
    return new ProbabilityFlow(denoiser).transport(solver, xStart, grid,
        observer == StepObserver.NONE ? OdeSolver.Observer.NONE : observer::onStep);
  }
}
