package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Where training batches come from. Draws use the engine's generator, seeded per step. */
public interface TrainingData {
  /** Shape of one example, e.g. [2] or [1, 28, 28]. */
  Shape exampleShape();

  /** The batch for training step {@code step} (0-based), on {@code manager}'s device. */
  NDArray batch(NDManager manager, long step, int size);

  /** Short description for logs. */
  String describe();
}
