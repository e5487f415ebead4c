package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.classifier.ClassifierSplit;
import dev.scoreflow.classifier.LeNet;
import dev.scoreflow.data.IdxData;
import dev.scoreflow.data.ImageDataset;
import dev.scoreflow.data.Permutations;
import dev.scoreflow.tensor.HostCopy;

/**
 * FID-LeNet and the class histogram of image samples. Both Frechet distances use the same n:
 * FID-LeNet compares the samples with n of the classifier's training images; its floor compares
 * n held-out images with those same training images, which is what a perfect model would score
 * at this n (the statistic is biased upwards at finite n, so only same-n numbers compare).
 */
public final class ImageQuality {
  private ImageQuality() {}

  /**
   * @param fid Frechet distance of samples vs reference (training) images
   * @param floor the same distance for held-out images vs the reference
   * @param n images on each side
   * @param classShares share of samples per predicted class
   * @param dataClassShares share of the held-out images per predicted class
   */
  public record Result(double fid, double floor, int n, double[] classShares, double[] dataClassShares) {
    public double ratio() {
      return fid / floor;
    }

    /** Largest |sample share - data share| over the classes. */
    public double worstClassDeviation() {
      double worst = 0;
      for (int i = 0; i < classShares.length; i++) {
        worst = Math.max(worst, Math.abs(classShares[i] - dataClassShares[i]));
      }
      return worst;
    }
  }

  /** The largest n the floor supports: the number of held-out images. */
  public static int maxN(ClassifierSplit split) {
    return Math.min(split.test().size(), split.train().size());
  }

  /**
   * Measures samples [n, 1, 28, 28] in [-1, 1]; n must not exceed {@link #maxN}. The reference
   * and held-out images are a seeded choice of n from each side of the split.
   */
  public static Result measure(Classifier classifier, NDArray samples, ClassifierSplit split, long seed) {
    requireN((int) samples.getShape().get(0), split);
    try (NDManager m = samples.getManager().newSubManager()) {
      NDList s = classifier.featuresAndClasses(samples, m);
      return compare(classifier, FrechetDistance.moments(s.get(0)), shares(s.get(1)), split, seed, m);
    }
  }

  /**
   * As {@link #measure}, for samples known by the moments of their LeNet features and their
   * class shares (e.g. combined from the shards of a Spark job): the n reference and held-out
   * images are the same seeded choice, so the numbers are {@code measure}'s.
   */
  public static Result compare(Classifier classifier, FrechetDistance.Moments samples,
      double[] classShares, ClassifierSplit split, long seed, NDManager manager) {
    int n = Math.toIntExact(samples.n());
    requireN(n, split);
    try (NDManager m = manager.newSubManager()) {
      NDArray reference = pick(split.train().images(), n, seed, m);
      NDArray heldOut = pick(split.test().images(), n, seed + 1, m);
      NDList r = classifier.featuresAndClasses(reference, m);
      NDList h = classifier.featuresAndClasses(heldOut, m);
      FrechetDistance.Moments ref = FrechetDistance.moments(r.get(0));
      double fid = FrechetDistance.distance(samples, ref);
      double floor = FrechetDistance.distance(FrechetDistance.moments(h.get(0)), ref);
      return new Result(fid, floor, n, classShares, shares(h.get(1)));
    }
  }

  private static void requireN(int n, ClassifierSplit split) {
    if (n < 2 || n > maxN(split)) {
      throw new IllegalArgumentException("FID-LeNet: --n must be between 2 and " + maxN(split)
          + " (the held-out images of the classifier's split), got " + n);
    }
  }

  /** Share of each class among predicted classes int64 [N]. */
  static double[] shares(NDArray classes) {
    try (NDArray oneHot = classes.oneHot(LeNet.CLASSES).toType(DataType.FLOAT32, false);
        NDArray counts = oneHot.sum(new int[] {0})) {
      float[] c = HostCopy.floats(counts); // 10 numbers, once per evaluation
      double total = classes.size();
      double[] out = new double[c.length];
      for (int i = 0; i < c.length; i++) {
        out[i] = c[i] / total;
      }
      return out;
    }
  }

  /** n seeded images of an IDX set as [n, 1, rows, cols] in [-1, 1], on {@code m}'s device. */
  static NDArray pick(IdxData images, int n, long seed, NDManager m) {
    int[] order = Permutations.shuffled(seed, images.count());
    return toImages(images.select(java.util.Arrays.copyOf(order, n)), m);
  }

  /** Grey IDX images [n, rows, cols] as [n, 1, rows, cols] in [-1, 1], on {@code m}'s device. */
  static NDArray toImages(IdxData chosen, NDManager m) {
    int[] d = chosen.dims();
    try (NDArray raw = m.create(java.nio.ByteBuffer.wrap(chosen.payload()),
        new Shape(d[0], 1, d[1], d[2]), DataType.UINT8)) {
      return ImageDataset.toModelRange(raw);
    }
  }
}
