package dev.scoreflow.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.scoreflow.eval.FrechetDistance;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What FID-LeNet needs of a set of samples, in a form that adds up exactly across partitions:
 * the count, the sum of the feature vectors, the sum of their outer products (all float64) and
 * the count per predicted class. The union of two sets is the element-wise sum, so a Spark job
 * sums its partitions' in any order and gets the moments of all the samples at once (to float64
 * round-off): mean = s / n, covariance = (S - n mean mean^T) / (n - 1).
 */
public final class FeatureSums implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int d;
  private long count;
  private final double[] sum;
  /** Row-major d x d. */
  private final double[] outer;
  private final long[] classCounts;

  public FeatureSums(int d, int classes) {
    this.d = d;
    this.sum = new double[d];
    this.outer = new double[d * d];
    this.classCounts = new long[classes];
  }

  /** Adds features [N, d] and their predicted classes int64 [N] (neither is closed). */
  public void add(NDArray features, NDArray classes) {
    if (features.getShape().dimension() != 2 || features.getShape().get(1) != d) {
      throw new IllegalArgumentException("features of shape " + features.getShape()
          + ", expected [N, " + d + "]");
    }
    // Every array made here is closed with the scope; only host copies leave it.
    try (NDScope scope = new NDScope()) {
      NDArray f = features.toType(DataType.FLOAT64, true);
      NDArray s = f.sum(new int[] {0});
      NDArray o = f.transpose().matMul(f);
      NDArray perClass = classes.oneHot(classCounts.length).toType(DataType.INT64, false)
          .sum(new int[] {0});
      double[] sv = s.toDoubleArray();
      double[] ov = o.toDoubleArray();
      long[] cv = perClass.toLongArray();
      for (int i = 0; i < d; i++) {
        sum[i] += sv[i];
      }
      for (int i = 0; i < ov.length; i++) {
        outer[i] += ov[i];
      }
      for (int i = 0; i < cv.length; i++) {
        classCounts[i] += cv[i];
      }
      count += features.getShape().get(0);
    }
  }

  /** Adds another set's sums to these (the union of the two sets); returns this. */
  public FeatureSums add(FeatureSums other) {
    if (other.d != d || other.classCounts.length != classCounts.length) {
      throw new IllegalArgumentException("feature sums of " + other.d + " features and "
          + other.classCounts.length + " classes cannot join " + d + " and " + classCounts.length);
    }
    count += other.count;
    for (int i = 0; i < d; i++) {
      sum[i] += other.sum[i];
    }
    for (int i = 0; i < outer.length; i++) {
      outer[i] += other.outer[i];
    }
    for (int i = 0; i < classCounts.length; i++) {
      classCounts[i] += other.classCounts[i];
    }
    return this;
  }

  public long count() {
    return count;
  }

  /** Mean and covariance (divisor n - 1), as {@link FrechetDistance#moments} gives them. */
  public FrechetDistance.Moments moments() {
    if (count < 2) {
      throw new IllegalArgumentException("Frechet distance: need at least 2 feature vectors, got "
          + count);
    }
    double[] mean = new double[d];
    for (int i = 0; i < d; i++) {
      mean[i] = sum[i] / count;
    }
    double[][] cov = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        cov[i][j] = (outer[i * d + j] - count * mean[i] * mean[j]) / (count - 1);
      }
    }
    return new FrechetDistance.Moments(mean, cov, count);
  }

  /** Share of the samples per predicted class. */
  public double[] classShares() {
    double[] out = new double[classCounts.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (double) classCounts[i] / count;
    }
    return out;
  }

  @Override
  public String toString() {
    return "FeatureSums[n=" + count + ", d=" + d + ", classes=" + Arrays.toString(classCounts) + "]";
  }
}
