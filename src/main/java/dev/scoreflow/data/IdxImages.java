package dev.scoreflow.data;

import java.util.List;

/**
 * {@code mnist}, {@code fashion-mnist} and {@code idx:DIR}: grey images [count, rows, cols] of
 * any size in IDX files ({@link ImageSource#resolve}), with their labels file. Class names are
 * the digits for MNIST, Fashion-MNIST's ten article names, and "0".."max label" for other
 * folders.
 */
final class IdxImages implements ImageSetReader {
  static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
      "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  @Override
  public boolean accepts(String data) {
    return ImageSource.NAMES.contains(data) || data.startsWith(ImageSource.IDX_PREFIX);
  }

  @Override
  public List<String> usage() {
    return List.of("mnist", "fashion-mnist", ImageSource.IDX_PREFIX + "DIR");
  }

  @Override
  public ImageSet read(String data, ImageOptions options) {
    return read(ImageSource.resolve(data, options.dataDir()));
  }

  @Override
  public ImageSet readHeldOut(String data, ImageOptions options) {
    return read(ImageSource.resolve(data, options.dataDir(), List.of("t10k")));
  }

  /** Both files of {@code files}, checked in full and against each other. */
  static ImageSet read(ImageFiles files) {
    IdxData images = IdxReader.readImages(files.images());
    IdxData labels = IdxReader.readLabels(files.labels());
    return of(files.name(), images, labels);
  }

  /** An image set from IDX contents already read; {@code name} picks the class names. */
  static ImageSet of(String name, IdxData images, IdxData labels) {
    ImageDataset.checkPair(images, labels);
    byte[] raw = labels.payload();
    int[] values = new int[raw.length];
    int max = 0;
    for (int i = 0; i < raw.length; i++) {
      values[i] = raw[i] & 0xff;
      max = Math.max(max, values[i]);
    }
    List<String> classes = classNames(name, max + 1);
    for (int i = 0; i < values.length; i++) {
      if (values[i] >= classes.size()) {
        throw new DataFormatException(labels.source() + ": label " + i + " is " + values[i]
            + ", expected 0.." + (classes.size() - 1) + " (" + name + " has " + classes.size()
            + " classes)");
      }
    }
    int[] dims = images.dims();
    return new ImageSet(name, images.source().toString(), dims[0], 1, dims[1], dims[2],
        images.payload(), values, classes);
  }

  private static List<String> classNames(String name, int seen) {
    switch (name) {
      case "mnist":
        return ImageSet.numberedClasses(10);
      case "fashion-mnist":
        return FASHION_CLASSES;
      default:
        return ImageSet.numberedClasses(seen);
    }
  }
}
