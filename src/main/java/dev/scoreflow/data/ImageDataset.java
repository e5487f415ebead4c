package dev.scoreflow.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.spec.DataSpec;
import java.nio.ByteBuffer;

/**
 * A whole small image data set held on the device: images float32 [N, C, H, W] with pixels
 * mapped from 0..255 to [-1, 1] (x / 127.5 - 1, the range the noise processes assume), labels
 * int64 [N] (none for unlabelled sets), and its {@link DataSpec}.
 *
 * <p>MNIST's 60,000 images are 188 MB as float32 and CIFAR-10's 50,000 are 614 MB, small enough
 * to keep on any device. The raw bytes cross to the device once, at load, and are converted
 * there; batches are then gathered on the device by index (see {@code ImageTrainingData}), so no
 * step copies image data from the host.
 */
public final class ImageDataset implements AutoCloseable {
  private final String name;
  private final String source;
  private final NDManager manager;
  private final NDArray images;
  private final NDArray labels;
  private final DataSpec spec;
  private final int count;
  private final boolean randomFlip;

  private ImageDataset(ImageSet set, NDManager manager, boolean randomFlip) {
    this.name = set.name();
    this.source = set.source();
    this.manager = manager;
    this.count = set.count();
    this.spec = set.spec();
    this.randomFlip = randomFlip;
    // One host->device copy of the bytes (4x smaller than float32), then convert on the device.
    try (NDArray raw = manager.create(ByteBuffer.wrap(set.pixels()),
        new Shape(count, set.channels(), set.height(), set.width()), DataType.UINT8)) {
      this.images = toModelRange(raw);
    }
    if (set.labelled()) {
      try (NDArray rawLabels = manager.create(set.labels())) {
        this.labels = rawLabels.toType(DataType.INT64, false);
      }
      NDScope.unregister(labels);
    } else {
      this.labels = null;
    }
    // Loaded inside an NDScope (a training step, a test) these must outlive that scope.
    NDScope.unregister(images);
  }

  /** Pixels 0..255 (any integer type) as float32 in [-1, 1]: x / 127.5 - 1. A new array. */
  public static NDArray toModelRange(NDArray pixels) {
    return pixels.toType(DataType.FLOAT32, false).divi(127.5f).subi(1f);
  }

  /**
   * Reads and checks both files, then builds the set on {@code device} in a manager of its own
   * that {@link #close()} releases.
   *
   * @throws MissingDataException or {@link DataFormatException}, naming the file at fault
   */
  public static ImageDataset load(ImageFiles files, Device device, boolean randomFlip) {
    return load(IdxImages.read(files), device, randomFlip);
  }

  /** Builds {@code set} on {@code device} in a manager of its own that {@link #close()} releases. */
  public static ImageDataset load(ImageSet set, Device device, boolean randomFlip) {
    return build(set, NDManager.newBaseManager(device), randomFlip);
  }

  /** Builds the set from IDX contents already read, in a sub-manager of {@code parent}. */
  public static ImageDataset of(String name, IdxData images, IdxData labels, NDManager parent, boolean randomFlip) {
    return build(IdxImages.of(name, images, labels), parent.newSubManager(), randomFlip);
  }

  /** Builds {@code set} in a sub-manager of {@code parent}. */
  public static ImageDataset of(ImageSet set, NDManager parent, boolean randomFlip) {
    return build(set, parent.newSubManager(), randomFlip);
  }

  private static ImageDataset build(ImageSet set, NDManager manager, boolean randomFlip) {
    try {
      return new ImageDataset(set, manager, randomFlip);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Images [count, rows, cols] must have exactly one label each. */
  static void checkPair(IdxData images, IdxData labels) {
    if (images.dims().length != 3) {
      throw new DataFormatException(images.source() + ": expected images [count, rows, cols], got dimensions "
          + java.util.Arrays.toString(images.dims()));
    }
    if (labels.dims().length != 1) {
      throw new DataFormatException(labels.source() + ": expected labels [count], got dimensions "
          + java.util.Arrays.toString(labels.dims()));
    }
    if (images.count() != labels.count()) {
      throw new DataFormatException(images.source() + " holds " + images.count() + " images but "
          + labels.source() + " holds " + labels.count() + " labels; expected one label per image"
          + " (are the two files from different downloads or splits?)");
    }
  }

  public String name() {
    return name;
  }

  /** The images file it came from, for logs (it tells a 10,000-image t10k set from the full one). */
  public String source() {
    return source;
  }

  /** Number of images N. */
  public int size() {
    return count;
  }

  public int channels() {
    return spec.channels();
  }

  public int rows() {
    return spec.height();
  }

  public int cols() {
    return spec.width();
  }

  /** Shape of one example: [C, H, W]. */
  public Shape exampleShape() {
    return spec.exampleShape();
  }

  /** What one example is: C x H x W, and the class names (empty when unlabelled). */
  public DataSpec spec() {
    return spec;
  }

  /** Whether every image has a label. */
  public boolean labelled() {
    return labels != null;
  }

  public java.util.List<String> classNames() {
    return spec.classNames();
  }

  /** Whether batches may be mirrored left-right; off by default, since a mirrored digit is no digit. */
  public boolean randomFlip() {
    return randomFlip;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** All images, float32 [N, C, H, W] in [-1, 1], on the device. Owned by this set. */
  public NDArray images() {
    return images;
  }

  /** All labels, int64 [N], on the device (null for an unlabelled set). Owned by this set. */
  public NDArray labels() {
    return labels;
  }

  /** The manager the set lives in; callers may make sub-managers of it for related arrays. */
  public NDManager manager() {
    return manager;
  }

  /**
   * The images at {@code indices} (int64 [B], on this set's device), as a new [B, C, H, W]
   * array attached to {@code target}. Where {@code flip} (boolean [B], may be null) is true the
   * image is mirrored left-right.
   */
  public NDArray gather(NDManager target, NDArray indices, NDArray flip) {
    try (NDManager tmp = manager.newSubManager()) {
      NDArray picked = images.get(indices);
      picked.attach(tmp);
      NDArray out = picked;
      if (flip != null) {
        // PyTorch's where broadcasts, DJL's wrapper refuses to: expand the mask by hand.
        NDArray column = flip.reshape(flip.size(), 1, 1, 1);
        column.attach(tmp);
        NDArray mask = column.broadcast(picked.getShape());
        out = NDArrays.where(mask, picked.flip(3), picked);
      }
      out.attach(target);
      return out;
    }
  }

  /** The labels at {@code indices}, int64 [B], attached to {@code target}. */
  public NDArray gatherLabels(NDManager target, NDArray indices) {
    if (labels == null) {
      throw new IllegalStateException(name + " has no labels");
    }
    NDArray out = labels.get(indices);
    out.attach(target);
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }

  @Override
  public String toString() {
    return name + ": " + count + " images of " + spec.describeShape() + " from " + source + " on "
        + device();
  }
}
