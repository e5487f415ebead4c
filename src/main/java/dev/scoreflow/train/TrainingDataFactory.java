package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import ai.djl.Device;
import dev.scoreflow.data.ImageDataset;
import dev.scoreflow.data.ImageFiles;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.data.ToyData;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link TrainingData} a config names. */
public final class TrainingDataFactory {
  private TrainingDataFactory() {}

  /**
   * Image sets (mnist, fashion-mnist, idx:DIR) are read from {@code config.dataDir} (null means
   * datasets/) and loaded whole onto {@code device}; 2-D names give {@link ToyTrainingData}.
   */
  public static TrainingData create(TrainConfig config, Device device) {
    if (ImageSource.isImageData(config.data)) {
      ImageFiles files = ImageSource.resolve(config.data, ImageSource.dataDir(config.dataDir));
      return new ImageTrainingData(ImageDataset.load(files, device, config.randomFlip), config.seed);
    }
    if (!ToyData.NAMES.contains(config.data)) {
      List<String> all = new ArrayList<>(ToyData.NAMES);
      all.addAll(ImageSource.NAMES);
      all.add(ImageSource.IDX_PREFIX + "DIR");
      throw new IllegalArgumentException("--data: unknown data set '" + config.data + "', expected one of " + all);
    }
    return new ToyTrainingData(ToyData.byName(config.data));
  }
}
