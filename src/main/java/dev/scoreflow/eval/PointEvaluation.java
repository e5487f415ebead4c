package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.VpLinear;
import java.io.IOException;

/**
 * Sample quality of a 2-D model (`scoreflow eval` on points): sliced Wasserstein-1 of the
 * samples against fresh data beside its floor, and for gmm8 the share of samples per mode and
 * their mean log-density under the true mixture (see {@link SampleQuality}).
 */
public final class PointEvaluation {
  /** Seed stage of the data draws and the floor pairs ({@link EvalSeeds}). */
  static final int STAGE = 1;

  private PointEvaluation() {}

  /** Random directions of SW1 and data-vs-data pairs averaged for its floor. */
  public record Settings(int projections, int floorRepeats) {
    public Settings {
      if (projections < 1) {
        throw new IllegalArgumentException("--projections must be at least 1, got " + projections);
      }
      if (floorRepeats < 1) {
        throw new IllegalArgumentException("--floor-repeats must be at least 1, got " + floorRepeats);
      }
    }
  }

  /**
   * @param sampling how the samples were made (null when measured on given points)
   * @param modeShares share of samples nearest each mixture centre; null unless the data are a
   *     known mixture (gmm8), and so are the two densities
   * @param meanLogDensity mean log p_0 of the samples under the true mixture, nats
   * @param dataMeanLogDensity the same for n fresh data points
   */
  public record Report(SampleSource.Sampling sampling, int n, SampleQuality.SlicedW1 sw,
      double[] modeShares, Double meanLogDensity, Double dataMeanLogDensity) {
    public boolean hasMixture() {
      return modeShares != null;
    }

    /** Largest |share - 1/K| over the modes (0 without a mixture). */
    public double worstModeDeviation() {
      double worst = 0;
      if (modeShares != null) {
        for (double s : modeShares) {
          worst = Math.max(worst, Math.abs(s - 1.0 / modeShares.length));
        }
      }
      return worst;
    }
  }

  /** Draws n samples from {@code source} and measures them. */
  public static Report evaluate(SampleSource source, ToyData data, int n, Settings settings,
      long seed, NDManager manager) throws IOException {
    if (n < 2) {
      throw new IllegalArgumentException("--n must be at least 2, got " + n);
    }
    try (NDManager m = manager.newSubManager()) {
      SampleSource.Drawn drawn = source.draw(n, null, m);
      Report r = measure(drawn.samples(), data, settings, seed);
      return new Report(new SampleSource.Sampling(source.describe(), n, drawn.nfe(),
          drawn.wallSeconds()), r.n(), r.sw(), r.modeShares(), r.meanLogDensity(),
          r.dataMeanLogDensity());
    }
  }

  /**
   * Measures samples [n, 2]. The data draws come from the engine's generator seeded with stage
   * {@value #STAGE} of {@code seed}, the projections from {@code seed}: the same seed gives the
   * same reference data and floor for every model.
   */
  public static Report measure(NDArray samples, ToyData data, Settings settings, long seed) {
    int n = (int) samples.getShape().get(0);
    ScoreflowEngine.seed(EvalSeeds.stage(seed, STAGE));
    SampleQuality.SlicedW1 sw = SampleQuality.slicedW1(samples, data::sample,
        settings.projections(), seed, settings.floorRepeats());
    if (data != ToyData.GMM8) {
      return new Report(null, n, sw, null, null, null);
    }
    try (NDManager m = samples.getManager().newSubManager()) {
      // A VP process, so that t = 0 is p_0 itself.
      GaussianMixtureOracle mixture = GaussianMixtureOracle.gmm8(new VpLinear(), m);
      double[] shares = SampleQuality.modeShares(mixture, samples);
      double logpSamples = SampleQuality.meanLogDensity(mixture, samples);
      double logpData = SampleQuality.meanLogDensity(mixture, data.sample(m, n));
      return new Report(null, n, sw, shares, logpSamples, logpData);
    }
  }
}
