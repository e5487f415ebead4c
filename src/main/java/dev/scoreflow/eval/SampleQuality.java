package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.tensor.HostCopy;

/**
 * Sample-quality statistics for 2-D point clouds: the sliced Wasserstein-1 distance to fresh data
 * beside its floor, and, when the data are a known Gaussian mixture, the share of samples per mode
 * and their mean log-density under the true mixture.
 */
public final class SampleQuality {
  private SampleQuality() {}

  /** Draws n data points on a manager (e.g. {@code ToyData::sample}, an oracle's sampleData). */
  @FunctionalInterface
  public interface DataSource {
    NDArray draw(NDManager manager, int n);
  }

  /**
   * SW1 of the samples against one fresh data draw, and its floor: the same statistic between two
   * independent data draws of the same size (what a perfect sampler would score, the finite-sample
   * noise of the statistic), averaged over {@code repeats} pairs.
   */
  public record SlicedW1(double distance, double floorMean, double floorSd, int repeats,
      int projections) {
    /** How many times the floor the samples score. */
    public double ratio() {
      return distance / floorMean;
    }
  }

  /**
   * Draws come from the engine's generator in this order: the reference set, then the floor pairs.
   * Projections are fixed by {@code projectionSeed}.
   */
  public static SlicedW1 slicedW1(NDArray samples, DataSource data, int projections,
      long projectionSeed, int repeats) {
    if (repeats < 1 || projections < 1) {
      throw new IllegalArgumentException("need at least one projection and one floor repeat");
    }
    int n = (int) samples.getShape().get(0);
    try (NDManager m = samples.getManager().newSubManager()) {
      SlicedWasserstein sw = new SlicedWasserstein(m, (int) (samples.size() / n), projections,
          projectionSeed);
      double distance = sw.distance(samples, data.draw(m, n));
      double sum = 0;
      double sumSq = 0;
      for (int r = 0; r < repeats; r++) {
        try (NDManager pair = m.newSubManager()) {
          double d = sw.distance(data.draw(pair, n), data.draw(pair, n));
          sum += d;
          sumSq += d * d;
        }
      }
      double mean = sum / repeats;
      double sd = repeats > 1 ? Math.sqrt(Math.max(0, (sumSq - repeats * mean * mean) / (repeats - 1))) : 0;
      return new SlicedW1(distance, mean, sd, repeats, projections);
    }
  }

  /** Share of the samples whose nearest centre is each component of the mixture. */
  public static double[] modeShares(GaussianMixtureOracle mixture, NDArray samples) {
    int k = (int) mixture.means().getShape().get(0);
    double[] shares = new double[k];
    long[] nearest;
    try (NDScope scope = new NDScope()) {
      nearest = HostCopy.read(mixture.nearestComponent(samples), NDArray::toLongArray);
    }
    for (long c : nearest) {
      shares[(int) c] += 1.0 / nearest.length;
    }
    return shares;
  }

  /**
   * Mean of log p_0(x) over the rows of x under the mixture itself, in nats. Evaluated at t = 0,
   * which is p_0 exactly when the oracle's process has b(0) = 0 (the VP processes; build the
   * reference mixture with one of those).
   */
  public static double meanLogDensity(GaussianMixtureOracle mixture, NDArray x) {
    try (NDScope scope = new NDScope()) {
      return (float) HostCopy.scalar(mixture.logDensity(x, 0.0).mean());
    }
  }
}
