package dev.scoreflow.train;

import ai.djl.Device;
import dev.scoreflow.data.ToyData;

/** Builds the {@link TrainingData} a config names. */
public final class TrainingDataFactory {
  private TrainingDataFactory() {}

  public static TrainingData create(TrainConfig config, Device device) {
    return new ToyTrainingData(ToyData.byName(config.data));
  }
}
