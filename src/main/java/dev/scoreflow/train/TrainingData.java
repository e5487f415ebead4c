package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Where training batches come from. Draws use the engine's generator, seeded per step. */
public interface TrainingData extends AutoCloseable {
  /** Shape of one example, e.g. [2] or [1, 28, 28]. */
  Shape exampleShape();

  /** The batch for training step {@code step} (0-based), on {@code manager}'s device. */
  NDArray batch(NDManager manager, long step, int size);

  /**
   * A batch and its class labels: INT32 [B] with values 0..K-1, on the batch's device, or null
   * for unlabelled data.
   */
  record Batch(NDArray x0, NDArray labels) {}

  /**
   * The batch of step {@code step} with its labels, row for row. Data without labels return
   * {@link #batch} and null labels.
   */
  default Batch labelledBatch(NDManager manager, long step, int size) {
    return new Batch(batch(manager, step, size), null);
  }

  /** Names of the classes in label order; empty for unlabelled data. */
  default java.util.List<String> classNames() {
    return java.util.List.of();
  }

  /**
   * What one example is (points or C x H x W images) and its classes: the type every "is it an
   * image?" question asks, instead of the data set's name.
   */
  default dev.scoreflow.spec.DataSpec spec() {
    return dev.scoreflow.spec.DataSpec.ofShape(exampleShape().getShape(), classNames());
  }

  /**
   * Where batch {@code step} of size {@code size} starts in the data's epoch order, as {epoch,
   * slot}, for the checkpoint's record; null for data drawn fresh every step.
   */
  default long[] position(long step, int size) {
    return null;
  }

  /** Releases what the data hold (an image set sits on the device); nothing by default. */
  @Override
  default void close() {}

  /** Short description for logs. */
  String describe();
}
