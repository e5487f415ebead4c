package dev.scoreflow.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.VpLinear;
import org.junit.jupiter.api.Test;

/** The 2-D statistics of `scoreflow eval` on exact samples and on plainly wrong ones. */
class SampleQualityTest {

  @Test
  void exactSamplesSitAtTheFloorAndWrongOnesDoNot() {
    try (NDManager m = TestEngine.manager(3)) {
      GaussianMixtureOracle gmm8 = GaussianMixtureOracle.gmm8(new VpLinear(), m);
      int n = 2000;
      SampleQuality.DataSource data = gmm8::sampleData;
      // "samples" that are exact draws of the data: a perfect sampler
      SampleQuality.SlicedW1 perfect = SampleQuality.slicedW1(gmm8.sampleData(m, n), data, 128, 0, 3);
      // the prior itself: a sampler that did nothing
      SampleQuality.SlicedW1 noise = SampleQuality.slicedW1(m.randomNormal(new Shape(n, 2)), data, 128, 0, 3);
      // the lower half mirrored up: modes 5, 6 and 7 empty, as after a mode collapse
      NDArray draws = gmm8.sampleData(m, n);
      NDArray collapsed = NDArrays.stack(new NDList(draws.get(":, 0"), draws.get(":, 1").abs()), 1);
      SampleQuality.SlicedW1 modes = SampleQuality.slicedW1(collapsed, data, 128, 0, 3);
      System.out.printf("floor %.4f +- %.4f; exact samples %.4f (%.2fx); prior %.4f (%.1fx);"
          + " upper half only %.4f (%.1fx)%n", perfect.floorMean(), perfect.floorSd(),
          perfect.distance(), perfect.ratio(), noise.distance(), noise.ratio(), modes.distance(),
          modes.ratio());
      assertTrue(perfect.ratio() < 1.8, "exact samples should sit at the floor: " + perfect);
      assertTrue(noise.ratio() > 10, "the prior should be far from the data: " + noise);
      assertTrue(modes.ratio() > 4, "a collapsed half should be far from the data: " + modes);

      double[] shares = SampleQuality.modeShares(gmm8, gmm8.sampleData(m, n));
      double[] collapsedShares = SampleQuality.modeShares(gmm8, collapsed);
      for (int k = 0; k < 8; k++) {
        assertEquals(0.125, shares[k], 0.03, "mode " + k);
      }
      assertEquals(0.0, collapsedShares[5] + collapsedShares[6] + collapsedShares[7], 0.01);

      // log-density under the true mixture: exact samples score like data, the prior far lower
      double logpData = SampleQuality.meanLogDensity(gmm8, gmm8.sampleData(m, n));
      double logpExact = SampleQuality.meanLogDensity(gmm8, gmm8.sampleData(m, n));
      double logpNoise = SampleQuality.meanLogDensity(gmm8, m.randomNormal(new Shape(n, 2)));
      System.out.printf("mean log p_0: data %.4f, exact samples %.4f, prior %.4f%n", logpData,
          logpExact, logpNoise);
      assertEquals(logpData, logpExact, 0.1);
      assertTrue(logpNoise < logpData - 5);
    }
  }
}
