package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.classifier.ClassifierInfo;
import dev.scoreflow.classifier.ClassifierSplit;
import dev.scoreflow.classifier.LeNet;
import dev.scoreflow.data.IdxData;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.data.Permutations;
import dev.scoreflow.tensor.HostCopy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Image sample quality with a trained LeNet (`scoreflow eval` on images): FID-LeNet beside its
 * floor and the class histogram ({@link ImageQuality}); for samples asked for given classes also
 * the class accuracy and FID-LeNet per class; and the calibration of the statistic on real and
 * degraded images ({@link Calibration}). One instance holds a classifier and the split it was
 * trained on; the split's held-out images give the floors.
 *
 * <p>Per class k with m_k samples: FID-LeNet_k compares them with m_k training images of class k,
 * its floor compares m_k held-out images of class k with the same m_k: the overall statistic
 * restricted to one class, with the same seeded choices (the first m_k of class k in the order
 * the overall statistic draws from).
 */
public final class ImageEvaluation implements AutoCloseable {
  private final Classifier classifier;
  private final ClassifierSplit split;
  private final Path folder;
  private final int[] heldOutPerClass;
  private final int[] trainPerClass;

  /** An evaluation with a classifier and its split; closing it closes the classifier. */
  public ImageEvaluation(Classifier classifier, ClassifierSplit split, Path folder) {
    this.classifier = classifier;
    this.split = split;
    this.folder = folder;
    this.heldOutPerClass = countPerClass(split.test().labels());
    this.trainPerClass = countPerClass(split.train().labels());
  }

  /**
   * Why FID-LeNet cannot measure images of this shape, or null when it can: the LeNet reads
   * 1x28x28 grey images only, and other shapes have no classifier yet.
   */
  public static String unavailable(Shape imageShape) {
    Shape lenet = new LeNet().inputShape();
    if (imageShape.equals(lenet)) {
      return null;
    }
    return "not available for " + describe(imageShape) + " images yet: the LeNet classifier reads "
        + describe(lenet) + " grey images only";
  }

  /**
   * Loads the classifier folder and rebuilds its split from the data on disk (its record names
   * the data; {@code fallbackDataDir}, e.g. the model's, where the record has no data folder).
   *
   * @throws IllegalArgumentException when the data on disk split differently from the record
   */
  public static ImageEvaluation open(Path folder, String fallbackDataDir, NDManager manager) {
    Classifier lenet = Classifier.load(folder, manager);
    try {
      ClassifierInfo info = lenet.info();
      ClassifierSplit split = ClassifierSplit.load(info.data,
          ImageSource.dataDir(info.dataDir != null ? info.dataDir : fallbackDataDir), info.holdout,
          info.splitSeed);
      if (split.train().size() != info.trainImages || split.test().size() != info.testImages) {
        throw new IllegalArgumentException(folder + " was trained on a split of " + info.trainImages
            + " + " + info.testImages + " images, but the data on disk splits into "
            + split.train().size() + " + " + split.test().size()
            + "; evaluate with the data it was trained on");
      }
      return new ImageEvaluation(lenet, split, folder);
    } catch (RuntimeException e) {
      lenet.close();
      throw e;
    }
  }

  public ClassifierInfo info() {
    return classifier.info();
  }

  public Classifier classifier() {
    return classifier;
  }

  public ClassifierSplit split() {
    return split;
  }

  public Path folder() {
    return folder;
  }

  /** The largest n the floor supports: the held-out images of the split. */
  public int maxN() {
    return ImageQuality.maxN(split);
  }

  public int numClasses() {
    return LeNet.CLASSES;
  }

  /** Held-out images of each class (the most samples of one class its floor supports). */
  public int[] heldOutPerClass() {
    return heldOutPerClass.clone();
  }

  /**
   * n samples spread over the classes as evenly as possible, in blocks (class 0 first): the
   * asked-for classes of a balanced conditional evaluation.
   */
  public static int[] balancedClasses(int n, int classes) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = (int) ((long) i * classes / n);
    }
    return out;
  }

  /**
   * Checks n (and the asked-for classes, if any) before anything is sampled.
   *
   * @throws IllegalArgumentException naming --n or the class whose floor lacks images
   */
  public void check(int n, int[] classes) {
    if (n < 2 || n > maxN()) {
      throw new IllegalArgumentException("--n " + n + ": FID-LeNet's floor needs as many held-out"
          + " images, and the classifier's split holds " + maxN() + " (at least 2)");
    }
    if (classes == null) {
      return;
    }
    if (classes.length != n) {
      throw new IllegalArgumentException("asked-for classes: expected one per sample (" + n
          + "), got " + classes.length);
    }
    int[] counts = new int[numClasses()];
    for (int c : classes) {
      if (c < 0 || c >= numClasses()) {
        throw new IllegalArgumentException("class " + c + ": the classifier knows classes 0.."
            + (numClasses() - 1));
      }
      counts[c]++;
    }
    for (int k = 0; k < counts.length; k++) {
      int room = Math.min(heldOutPerClass[k], trainPerClass[k]);
      if (counts[k] > room) {
        throw new IllegalArgumentException("--n " + n + ": " + counts[k] + " samples of class " + k
            + ", but the floor of class " + k + " needs as many held-out images and the"
            + " classifier's split holds " + room);
      }
    }
  }

  /**
   * Draws n samples (asked for {@code classes}, or unconditional when null) and measures them.
   * Everything is checked before sampling starts.
   */
  public ImageReport evaluate(SampleSource source, int n, int[] classes, long seed,
      NDManager manager) throws IOException {
    check(n, classes);
    try (NDManager m = manager.newSubManager()) {
      SampleSource.Drawn drawn = source.draw(n, classes, m);
      ImageReport r = measure(drawn.samples(), classes, seed);
      return r.withSampling(new SampleSource.Sampling(source.describe(), n, drawn.nfe(),
          drawn.wallSeconds()));
    }
  }

  /**
   * FID-LeNet, its floor and the class histogram of samples [n, 1, 28, 28] in [-1, 1]; with
   * {@code classes} (the class each sample was asked for) also the class accuracy and FID-LeNet
   * per class. The reference and held-out images are those of {@code scoreflow eval --seed
   * seed --n n} ({@link EvalSeeds#FID_IMAGES}).
   */
  public ImageReport measure(NDArray samples, int[] classes, long seed) {
    int n = (int) samples.getShape().get(0);
    check(n, classes);
    long stage = EvalSeeds.stage(seed, EvalSeeds.FID_IMAGES);
    try (NDManager m = samples.getManager().newSubManager()) {
      NDList fc = classifier.featuresAndClasses(samples, m);
      ImageQuality.Result overall = ImageQuality.compare(classifier,
          FrechetDistance.moments(fc.get(0)), ImageQuality.shares(fc.get(1)), split, stage, m);
      ClassReport perClass = classes == null ? null
          : perClass(HostCopy.floats(fc.get(0)), HostCopy.read(fc.get(1), NDArray::toLongArray),
              classes, stage, m);
      return new ImageReport(null, overall, info().testAccuracy, folder, perClass);
    }
  }

  /** Real-vs-real spread and degraded real images at n ({@link Calibration}). */
  public Calibration.Report calibrate(int n, int subsets, long seed, NDManager manager) {
    return Calibration.run(this, n, subsets, seed, manager);
  }

  private ClassReport perClass(float[] features, long[] predicted, int[] classes, long stage,
      NDManager m) {
    int n = classes.length;
    int d = features.length / n;
    int k = numClasses();
    int[] counts = new int[k];
    int right = 0;
    for (int i = 0; i < n; i++) {
      counts[classes[i]]++;
      right += predicted[i] == classes[i] ? 1 : 0;
    }
    double[] fid = new double[k];
    double[] floor = new double[k];
    Arrays.fill(fid, Double.NaN);
    Arrays.fill(floor, Double.NaN);
    int[] trainOrder = Permutations.shuffled(stage, split.train().size());
    int[] heldOrder = Permutations.shuffled(stage + 1, split.test().size());
    for (int c = 0; c < k; c++) {
      if (counts[c] < 2) {
        continue; // a covariance needs two samples
      }
      float[] rows = new float[counts[c] * d];
      int r = 0;
      for (int i = 0; i < n; i++) {
        if (classes[i] == c) {
          System.arraycopy(features, i * d, rows, r++ * d, d);
        }
      }
      try (NDManager cm = m.newSubManager()) {
        FrechetDistance.Moments mine = FrechetDistance.moments(
            cm.create(rows, new Shape(counts[c], d)));
        FrechetDistance.Moments ref = featureMoments(split.train(), trainOrder, c, counts[c], cm);
        FrechetDistance.Moments held = featureMoments(split.test(), heldOrder, c, counts[c], cm);
        fid[c] = FrechetDistance.distance(mine, ref);
        floor[c] = FrechetDistance.distance(held, ref);
      }
    }
    return new ClassReport(counts, (double) right / n, fid, floor);
  }

  /** Moments of the LeNet features of the first {@code count} images of class c in {@code order}. */
  private FrechetDistance.Moments featureMoments(ClassifierSplit.Part part, int[] order, int c,
      int count, NDManager m) {
    int[] rows = firstOfClass(part.labels(), order, c, count);
    NDArray images = ImageQuality.toImages(part.images().select(rows), m);
    return FrechetDistance.moments(classifier.featuresAndClasses(images, m).get(0));
  }

  /** The first {@code count} rows in {@code order} whose label is c. */
  static int[] firstOfClass(IdxData labels, int[] order, int c, int count) {
    byte[] y = labels.payload();
    int[] rows = new int[count];
    int found = 0;
    for (int i = 0; i < order.length && found < count; i++) {
      if ((y[order[i]] & 0xFF) == c) {
        rows[found++] = order[i];
      }
    }
    if (found < count) {
      throw new IllegalArgumentException(labels.source() + ": " + found + " images of class " + c
          + ", " + count + " needed");
    }
    return rows;
  }

  private int[] countPerClass(IdxData labels) {
    int[] counts = new int[numClasses()];
    for (byte b : labels.payload()) {
      int c = b & 0xFF;
      if (c < counts.length) {
        counts[c]++;
      }
    }
    return counts;
  }

  static String describe(Shape s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.dimension(); i++) {
      b.append(i == 0 ? "" : "x").append(s.get(i));
    }
    return b.toString();
  }

  @Override
  public void close() {
    classifier.close();
  }
}
