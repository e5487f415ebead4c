package dev.scoreflow.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;

/** One optimisation step on a batch, on one device or several. */
public interface TrainingStep extends AutoCloseable {
  /**
   * Runs the step on the batch x0 with its class labels (INT32 [B], or null: unconditional) and
   * returns its loss (a scalar on the first device).
   */
  NDArray apply(Engine engine, NDArray x0, NDArray labels, double lr);

  /** An unconditional step. */
  default NDArray apply(Engine engine, NDArray x0, double lr) {
    return apply(engine, x0, null, lr);
  }

  /** Devices each batch is split over. */
  default int devices() {
    return 1;
  }

  /** Releases the step's own arrays (replicas on other devices); nothing by default. */
  @Override
  default void close() {}
}
