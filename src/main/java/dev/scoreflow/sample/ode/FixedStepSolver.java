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
    return StepLoop.overGrid(y0, grid, (y, k, s, next) -> method.step(system, s, y, next - s),
        observer::onStep);
  }
}
