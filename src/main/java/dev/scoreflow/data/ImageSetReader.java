package dev.scoreflow.data;

import java.util.List;

/**
 * One family of image data sets behind {@code --data}: the names it answers to and how it reads
 * them into an {@link ImageSet}, checking every file first. Adding a file format is one class
 * implementing this and one entry in {@link ImageSource#READERS}.
 */
public interface ImageSetReader {
  /** Whether {@code --data data} belongs to this reader. */
  boolean accepts(String data);

  /** The {@code --data} forms it reads, as help texts and error messages list them. */
  List<String> usage();

  /**
   * The training images of {@code data}, already brought to {@code options}' size and channels
   * when the format needs that while decoding (the caller applies them again, which is then a
   * no-op).
   *
   * @throws MissingDataException when the files are not there, naming where they were looked for
   * @throws DataFormatException when a file is damaged or inconsistent, naming the file
   */
  ImageSet read(String data, ImageOptions options);

  /**
   * Images kept apart from training (e.g. CIFAR-10's test_batch.bin, MNIST's t10k pair), for
   * evaluation; sets without such a part refuse with a message.
   */
  default ImageSet readHeldOut(String data, ImageOptions options) {
    throw new IllegalArgumentException("--data " + data + ": this data set has no held-out part");
  }
}
