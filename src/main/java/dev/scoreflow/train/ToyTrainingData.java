package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.data.ToyData;
import java.util.List;

/** Fresh 2-D points every step, drawn on the device, with their labels where the set has them. */
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

  /** The same points as {@link #batch} for the same generator state, and their labels. */
  @Override
  public Batch labelledBatch(NDManager manager, long step, int size) {
    ToyData.Draw d = data.sampleLabelled(manager, size);
    return new Batch(d.points(), d.labels());
  }

  @Override
  public List<String> classNames() {
    return data.classNames();
  }

  @Override
  public String describe() {
    return data.id() + " (2-D, drawn fresh each step"
        + (data.classNames().isEmpty() ? "" : ", " + data.classNames().size() + " classes") + ")";
  }
}
