package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.classifier.ClassifierSplit;
import dev.scoreflow.data.IdxData;
import dev.scoreflow.data.Permutations;
import dev.scoreflow.tensor.HostCopy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What FID-LeNet values mean at a given n and classifier (`scoreflow eval --calibrate`): the
 * spread real images fall in and what known damage scores. Every set is compared with the same n
 * training images as {@code scoreflow eval --n n --seed seed} uses, so the numbers sit on the
 * same scale as a model's:
 *
 * <ul>
 *   <li>real vs real: disjoint subsets of n held-out images, in the floor's seeded order (the
 *       first subset is eval's floor itself): the range a perfect model falls in;
 *   <li>the first subset blurred with a 3x3 box filter (each pixel the mean of itself and its
 *       in-image neighbours), with Gaussian noise of sigma 0.1 and 0.3 added in the [-1, 1]
 *       range and clipped back into it, and n held-out images of the first half of the classes
 *       only (a model that drops modes).
 * </ul>
 *
 * Each row also gives the classifier's accuracy on it (true labels), the other half of a
 * conditional model's report.
 */
public final class Calibration {
  /** Noise levels of the degraded rows, in the [-1, 1] pixel range. */
  public static final double[] NOISE = {0.1, 0.3};

  private Calibration() {}

  /**
   * One set of n images measured against the reference.
   *
   * @param name short row name
   * @param description what the set is
   * @param fid FID-LeNet against the reference (NaN if skipped)
   * @param accuracy share the classifier reads as their true class
   * @param note why the row was skipped, or null
   */
  public record Row(String name, String description, double fid, double accuracy, String note) {}

  /**
   * @param n images per set (and in the reference)
   * @param heldOut held-out images the split has
   * @param real the real-vs-real rows, disjoint subsets
   * @param degraded the damaged rows
   */
  public record Report(int n, int heldOut, long seed, List<Row> real, List<Row> degraded,
      double classifierTestAccuracy, java.nio.file.Path classifier) {
    public double realMean() {
      return real.stream().mapToDouble(Row::fid).average().orElse(Double.NaN);
    }

    public double realMin() {
      return real.stream().mapToDouble(Row::fid).min().orElse(Double.NaN);
    }

    public double realMax() {
      return real.stream().mapToDouble(Row::fid).max().orElse(Double.NaN);
    }

    /** The row with this name, or null. */
    public Row row(String name) {
      for (Row r : degraded) {
        if (r.name().equals(name)) {
          return r;
        }
      }
      return null;
    }
  }

  /** Disjoint subsets of n held-out images that fit, at most {@code wanted}. */
  public static int subsetsThatFit(int heldOut, int n, int wanted) {
    return Math.min(wanted, heldOut / n);
  }

  /**
   * @param subsets wanted real-vs-real subsets; fewer are used when the held-out images do not
   *     hold that many disjoint sets of n (at least 2 must fit)
   */
  public static Report run(ImageEvaluation ev, int n, int subsets, long seed, NDManager manager) {
    ClassifierSplit split = ev.split();
    int heldOut = split.test().size();
    if (subsets < 2) {
      throw new IllegalArgumentException("--subsets must be at least 2, got " + subsets);
    }
    if (n < 2 || n > ev.maxN() || subsetsThatFit(heldOut, n, subsets) < 2) {
      throw new IllegalArgumentException("--n " + n + ": calibration needs two disjoint sets of n"
          + " held-out images, and the classifier's split holds " + heldOut + "; use --n "
          + Math.min(ev.maxN(), heldOut / 2) + " or less");
    }
    int k = subsetsThatFit(heldOut, n, subsets);
    long stage = EvalSeeds.stage(seed, EvalSeeds.FID_IMAGES);
    int[] heldOrder = Permutations.shuffled(stage + 1, heldOut);
    try (NDManager m = manager.newSubManager()) {
      NDArray reference = ImageQuality.pick(split.train().images(), n, stage, m);
      FrechetDistance.Moments ref = FrechetDistance.moments(
          ev.classifier().featuresAndClasses(reference, m).get(0));
      List<Row> real = new ArrayList<>();
      for (int s = 0; s < k; s++) {
        int[] rows = java.util.Arrays.copyOfRange(heldOrder, s * n, (s + 1) * n);
        real.add(measure(ev, ref, split.test(), rows, null, "real " + (s + 1),
            "held-out images " + (s * n + 1) + "-" + ((s + 1) * n) + (s == 0 ? " (eval's floor)" : ""), m));
      }
      int[] first = java.util.Arrays.copyOf(heldOrder, n);
      List<Row> degraded = new ArrayList<>();
      degraded.add(measure(ev, ref, split.test(), first, Calibration::blur3x3, "blur",
          "real 1, 3x3 box blur", m));
      for (int i = 0; i < NOISE.length; i++) {
        double sigma = NOISE[i];
        Random random = new Random(stage + 2 + i);
        degraded.add(measure(ev, ref, split.test(), first,
            (x, shape) -> addNoise(x, sigma, random), "noise " + sigma,
            "real 1 + N(0, " + sigma + "^2) noise, clipped to [-1, 1]", m));
      }
      degraded.add(halfTheClasses(ev, ref, split.test(), heldOrder, n, m));
      return new Report(n, heldOut, seed, real, degraded, ev.info().testAccuracy, ev.folder());
    }
  }

  /** A damage done to images [n, 1, H, W] in [-1, 1] held as one flat array. */
  interface Damage {
    void apply(float[] x, int[] shape);
  }

  private static Row halfTheClasses(ImageEvaluation ev, FrechetDistance.Moments ref,
      ClassifierSplit.Part part, int[] order, int n, NDManager m) {
    int half = ev.numClasses() / 2;
    byte[] y = part.labels().payload();
    int[] rows = new int[n];
    int found = 0;
    for (int i = 0; i < order.length && found < n; i++) {
      if ((y[order[i]] & 0xFF) < half) {
        rows[found++] = order[i];
      }
    }
    String name = "classes 0-" + (half - 1);
    String description = "held-out images of classes 0-" + (half - 1) + " only";
    if (found < n) {
      return new Row(name, description, Double.NaN, Double.NaN, "skipped: the split holds "
          + found + " held-out images of classes 0-" + (half - 1) + ", fewer than n");
    }
    return measure(ev, ref, part, rows, null, name, description, m);
  }

  private static Row measure(ImageEvaluation ev, FrechetDistance.Moments ref,
      ClassifierSplit.Part part, int[] rows, Damage damage, String name, String description,
      NDManager manager) {
    try (NDManager m = manager.newSubManager()) {
      IdxData chosen = part.images().select(rows);
      NDArray images = ImageQuality.toImages(chosen, m);
      if (damage != null) {
        int[] shape = java.util.Arrays.stream(images.getShape().getShape()).mapToInt(v -> (int) v)
            .toArray();
        float[] x = HostCopy.floats(images);
        damage.apply(x, shape);
        images = m.create(x, new Shape(images.getShape().getShape()));
      }
      NDList fc = ev.classifier().featuresAndClasses(images, m);
      double fid = FrechetDistance.distance(FrechetDistance.moments(fc.get(0)), ref);
      long[] predicted = HostCopy.read(fc.get(1), NDArray::toLongArray);
      byte[] labels = part.labels().select(rows).payload();
      int right = 0;
      for (int i = 0; i < rows.length; i++) {
        right += predicted[i] == (labels[i] & 0xFF) ? 1 : 0;
      }
      return new Row(name, description, fid, (double) right / rows.length, null);
    }
  }

  /** Each pixel becomes the mean of itself and its neighbours inside the image (3x3 box). */
  static void blur3x3(float[] x, int[] shape) {
    int h = shape[shape.length - 2];
    int w = shape[shape.length - 1];
    int planes = x.length / (h * w);
    float[] plane = new float[h * w];
    for (int p = 0; p < planes; p++) {
      int base = p * h * w;
      System.arraycopy(x, base, plane, 0, h * w);
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          float sum = 0;
          int count = 0;
          for (int di = -1; di <= 1; di++) {
            for (int dj = -1; dj <= 1; dj++) {
              int a = i + di;
              int b = j + dj;
              if (a >= 0 && a < h && b >= 0 && b < w) {
                sum += plane[a * w + b];
                count++;
              }
            }
          }
          x[base + i * w + j] = sum / count;
        }
      }
    }
  }

  /** x + sigma * N(0, 1) per pixel, clipped to [-1, 1]. */
  static void addNoise(float[] x, double sigma, Random random) {
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.max(-1, Math.min(1, x[i] + sigma * random.nextGaussian()));
    }
  }
}
