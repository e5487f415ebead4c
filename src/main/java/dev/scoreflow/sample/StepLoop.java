package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Runs one step at a time inside an {@link NDScope}, so the arrays a step creates are freed
 * when it ends and only the new state survives: memory stays flat however many steps run.
 * {@link #overGrid} is the one loop over a decreasing time grid that every grid sampler and
 * fixed-step ODE solver runs.
 */
public final class StepLoop {
  /** One step from the current state to the next. */
  @FunctionalInterface
  public interface Step {
    NDArray apply(NDArray x);
  }

  /** The update of step k, from grid[k] to grid[k + 1]. */
  @FunctionalInterface
  public interface GridStep {
    NDArray apply(NDArray x, int k, double from, double to);
  }

  private NDArray x;
  private final NDArray start;

  public StepLoop(NDArray start) {
    this.start = start;
    this.x = start;
  }

  /**
   * Steps across every interval of {@code grid}, calling the observer with (grid[k + 1], x)
   * after step k; returns the final state (owned by the caller, on {@code start}'s manager).
   */
  public static NDArray overGrid(NDArray start, double[] grid, GridStep step,
      StepObserver observer) {
    StepLoop loop = new StepLoop(start);
    for (int k = 0; k + 1 < grid.length; k++) {
      int index = k;
      loop.advance(x -> step.apply(x, index, grid[index], grid[index + 1]));
      observer.onStep(grid[k + 1], loop.current());
    }
    return loop.result();
  }

  public NDArray current() {
    return x;
  }

  public void advance(Step step) {
    NDArray next;
    try (NDScope scope = new NDScope()) {
      next = step.apply(x);
      NDScope.unregister(next);
    }
    next.attach(start.getManager());
    if (x != start) {
      x.close();
    }
    x = next;
  }

  /** The final state; a copy when no step ran, so the caller always owns the result. */
  public NDArray result() {
    return x == start ? start.duplicate() : x;
  }
}
