package dev.scoreflow.sample;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.eval.SlicedWasserstein;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.VpLinear;

/** The sliced-Wasserstein floor of the oracle sampler tests: what perfect gmm8 samples score. */
final class Gmm8Floor {
  private Gmm8Floor() {}

  /** Mean SW1 between two fresh gmm8 draws of n points, over {@code pairs} pairs. */
  static double mean(NDManager m, SlicedWasserstein sw, int n, int pairs) {
    GaussianMixtureOracle data = GaussianMixtureOracle.gmm8(new VpLinear(), m);
    double sum = 0;
    for (int i = 0; i < pairs; i++) {
      try (NDManager pair = m.newSubManager()) {
        sum += sw.distance(data.sampleData(pair, n), data.sampleData(pair, n));
      }
    }
    return sum / pairs;
  }
}
