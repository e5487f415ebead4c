package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.sample.StepLoop;

/** Steps a {@link FixedStepMethod} across every interval of the grid. */
public final class FixedStepSolver implements OdeSolver {
  private final FixedStepMethod method;

  public FixedStepSolver(FixedStepMethod method) {
    this.method = method;
  }

  public FixedStepMethod method() {
    return method;
  }

  @Override
  public String name() {
    return method.name().toLowerCase();
  }

  @Override
  public NDArray integrate(OdeSystem system, NDArray y0, double[] grid, Observer observer) {
    StepLoop loop = new StepLoop(y0);
    for (int k = 0; k + 1 < grid.length; k++) {
      double t = grid[k];
      double h = grid[k + 1] - grid[k];
      loop.advance(y -> method.step(system, t, y, h));
      observer.onStep(grid[k + 1], loop.current());
    }
    return loop.result();
  }
}
