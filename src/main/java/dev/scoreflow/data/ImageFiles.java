package dev.scoreflow.data;

import java.nio.file.Path;

/**
 * The two files of an image data set as {@link ImageSource} found them.
 *
 * @param name what --data said (mnist, fashion-mnist, idx:DIR)
 * @param images the images file, [count, rows, cols]
 * @param labels the labels file, [count]
 * @param split {@code train} or {@code t10k}: which pair of the folder was used
 */
public record ImageFiles(String name, Path images, Path labels, String split) {
  /** For logs: "mnist (t10k split, datasets/mnist/t10k-images-idx3-ubyte.gz)". */
  public String describe() {
    return name + " (" + split + " split, " + images + ")";
  }
}
