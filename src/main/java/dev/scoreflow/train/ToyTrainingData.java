package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.data.ToyData;

/** Fresh 2-D points every step, drawn on the device. */
public final class ToyTrainingData implements TrainingData {
  private final ToyData data;

  public ToyTrainingData(ToyData data) {
    this.data = data;
  }

  @Override
  public Shape exampleShape() {
    return new Shape(2);
  }

  @Override
  public NDArray batch(NDManager manager, long step, int size) {
    return data.sample(manager, size);
  }

  @Override
  public String describe() {
    return data.id() + " (2-D, drawn fresh each step)";
  }
}
