package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import ai.djl.Device;
import dev.scoreflow.data.ImageDataset;
import dev.scoreflow.data.ImageOptions;
import dev.scoreflow.data.ImageSet;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.data.ToyData;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link TrainingData} a config names. */
public final class TrainingDataFactory {
  private TrainingDataFactory() {}

  /**
   * Image sets (mnist, fashion-mnist, idx:DIR, folder:DIR, cifar10) are read from {@code
   * config.dataDir} (null means datasets/), every file checked, brought to --image-size and
   * --channels, and loaded whole onto {@code device}; 2-D names give {@link ToyTrainingData}.
   */
  public static TrainingData create(TrainConfig config, Device device) {
    if (ImageSource.isImageData(config.data)) {
      ImageSet set = ImageSource.load(config.data, imageOptions(config));
      return new ImageTrainingData(ImageDataset.load(set, device, config.randomFlip), config.seed);
    }
    if (!ToyData.NAMES.contains(config.data)) {
      List<String> all = new ArrayList<>(ToyData.NAMES);
      all.addAll(ImageSource.usage());
      throw new IllegalArgumentException("--data: unknown data set '" + config.data + "', expected one of " + all);
    }
    String imageFlag = config.imageSize != 0 ? "--image-size"
        : config.imageChannels != 0 ? "--channels" : config.randomFlip ? "--hflip" : null;
    if (imageFlag != null) {
      throw new IllegalArgumentException(imageFlag + " applies to image data; --data "
          + config.data + " is a 2-D set");
    }
    return new ToyTrainingData(ToyData.byName(config.data));
  }

  /** What --data-dir, --image-size and --channels ask of an image set. */
  public static ImageOptions imageOptions(TrainConfig config) {
    return new ImageOptions(ImageSource.dataDir(config.dataDir), config.imageSize,
        config.imageChannels);
  }
}
