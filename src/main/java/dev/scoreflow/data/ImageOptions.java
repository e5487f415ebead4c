package dev.scoreflow.data;

import java.nio.file.Path;

/**
 * How to read an image data set: where named sets live ({@code --data-dir}) and what to make of
 * the images ({@code --image-size}, {@code --channels}).
 *
 * @param dataDir folder of the named sets (mnist/, fashion-mnist/, cifar10/)
 * @param imageSize resize the shorter side to this and centre-crop a square; 0 keeps the size
 * @param channels 1 (grey) or 3 (RGB) to convert to; 0 keeps the data's own
 */
public record ImageOptions(Path dataDir, int imageSize, int channels) {
  /** The largest --image-size: every picture is held in memory, and on the device as float32. */
  public static final int MAX_SIZE = 1024;

  public ImageOptions {
    if (dataDir == null) {
      dataDir = ImageSource.dataDir(null);
    }
    if (imageSize < 0 || imageSize > MAX_SIZE) {
      throw new IllegalArgumentException("--image-size must lie in 1.." + MAX_SIZE + " pixels, got "
          + imageSize);
    }
    if (channels != 0 && channels != 1 && channels != 3) {
      throw new IllegalArgumentException("--channels must be 1 (grey) or 3 (RGB), got " + channels);
    }
  }

  /** The data set's own images from {@code dataDir} (null: datasets/). */
  public static ImageOptions plain(Path dataDir) {
    return new ImageOptions(dataDir, 0, 0);
  }
}
