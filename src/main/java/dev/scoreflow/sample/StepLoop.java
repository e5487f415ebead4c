package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Runs one step at a time inside an {@link NDScope}, so the arrays a step creates are freed
 * when it ends and only the new state survives: memory stays flat however many steps run.
 */
public final class StepLoop {
  /** One step from the current state to the next. */
  @FunctionalInterface
  public interface Step {
    NDArray apply(NDArray x);
  }

  private NDArray x;
  private final NDArray start;

  public StepLoop(NDArray start) {
    this.start = start;
    this.x = start;
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
