package dev.scoreflow.data;

import dev.scoreflow.spec.DataSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole image data set decoded on the host, before it goes to the device: {@code count} images
 * of C x H x W unsigned bytes (planes, then rows, then columns, image after image), their labels
 * 0..K-1 (or none), and the K class names. Every reader ({@link ImageSetReader}) produces one, so
 * the device side ({@link ImageDataset}) knows no file format.
 */
public final class ImageSet {
  private final String name;
  private final String source;
  private final int count;
  private final int channels;
  private final int height;
  private final int width;
  private final byte[] pixels;
  private final int[] labels;
  private final List<String> classNames;

  /**
   * @param name what --data said, e.g. {@code cifar10} or {@code folder:pics}
   * @param source the file or folder it was read from, for logs
   * @param pixels count * channels * height * width bytes; kept, not copied
   * @param labels one label in 0..K-1 per image, or null for unlabelled images
   * @param classNames the K class names (empty when unlabelled)
   */
  public ImageSet(String name, String source, int count, int channels, int height, int width,
      byte[] pixels, int[] labels, List<String> classNames) {
    if (count < 1 || channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(source + ": an image set needs at least one image of at"
          + " least 1x1 pixels, got " + count + " of " + channels + "x" + height + "x" + width);
    }
    if ((long) count * channels * height * width != pixels.length) {
      throw new IllegalArgumentException(source + ": " + count + " images of " + channels + "x"
          + height + "x" + width + " need " + (long) count * channels * height * width
          + " bytes, got " + pixels.length);
    }
    if ((labels == null) != classNames.isEmpty()) {
      throw new IllegalArgumentException(source + ": labels and class names go together");
    }
    if (labels != null) {
      if (labels.length != count) {
        throw new IllegalArgumentException(source + ": " + count + " images but " + labels.length
            + " labels");
      }
      for (int i = 0; i < count; i++) {
        if (labels[i] < 0 || labels[i] >= classNames.size()) {
          throw new DataFormatException(source + ": image " + i + " has label " + labels[i]
              + ", expected 0.." + (classNames.size() - 1) + " (" + classNames.size() + " classes)");
        }
      }
    }
    this.name = name;
    this.source = source;
    this.count = count;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.pixels = pixels;
    this.labels = labels;
    this.classNames = List.copyOf(classNames);
  }

  /** Class names "0", "1", ..., "k-1": for sets whose labels are plain numbers. */
  public static List<String> numberedClasses(int k) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }

  public String name() {
    return name;
  }

  public String source() {
    return source;
  }

  public int count() {
    return count;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** Bytes of one image: C * H * W. */
  public int imageBytes() {
    return channels * height * width;
  }

  /** All pixels, image after image, C x H x W each; not a copy: callers must not change it. */
  public byte[] pixels() {
    return pixels;
  }

  /** One label per image, or null for unlabelled sets; not a copy. */
  public int[] labels() {
    return labels;
  }

  public boolean labelled() {
    return labels != null;
  }

  public List<String> classNames() {
    return classNames;
  }

  /** What one example is: C x H x W images with these classes. */
  public DataSpec spec() {
    return DataSpec.images(channels, height, width, classNames);
  }

  /**
   * This set with every image brought to {@code channels} (1 or 3; 0 keeps them) and, when
   * {@code size} > 0, resized so the shorter side is {@code size} and centre-cropped to size x
   * size ({@link Resampling}). Returns this set when nothing changes.
   */
  public ImageSet transformed(int size, int channels) {
    int c = channels == 0 ? this.channels : channels;
    boolean resize = size > 0 && (height != size || width != size);
    if (c == this.channels && !resize) {
      return this;
    }
    int h = size > 0 ? size : height;
    int w = size > 0 ? size : width;
    byte[] out = new byte[count * c * h * w];
    byte[] one = new byte[imageBytes()];
    for (int i = 0; i < count; i++) {
      System.arraycopy(pixels, i * imageBytes(), one, 0, one.length);
      byte[] converted = Resampling.convertChannels(one, this.channels, height, width, c);
      byte[] sized = size > 0 ? Resampling.resizeAndCrop(converted, c, height, width, size) : converted;
      System.arraycopy(sized, 0, out, i * c * h * w, sized.length);
    }
    return new ImageSet(name, source, count, c, h, w, out, labels, classNames);
  }

  @Override
  public String toString() {
    return name + ": " + count + " images of " + channels + "x" + height + "x" + width + " from "
        + source + (labelled() ? ", " + classNames.size() + " classes" : ", unlabelled");
  }
}
