package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

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
    NDArray y = y0;
    for (int k = 0; k + 1 < grid.length; k++) {
      NDArray next;
      try (NDScope scope = new NDScope()) {
        next = method.step(system, grid[k], y, grid[k + 1] - grid[k]);
        NDScope.unregister(next);
      }
      next.attach(y0.getManager());
      if (y != y0) {
        y.close();
      }
      y = next;
      observer.onStep(grid[k + 1], y);
    }
    return y == y0 ? y0.duplicate() : y;
  }
}
