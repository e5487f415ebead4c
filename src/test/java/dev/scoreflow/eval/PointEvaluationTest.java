package dev.scoreflow.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.data.ToyData;
import org.junit.jupiter.api.Test;

/**
 * The 2-D report as a library call, no model: exact gmm8 draws as "samples" sit at the floor with
 * even mode shares and the data's log-density; the same draws with the lower half mirrored up
 * (modes 5-7 empty) do not. The same seed gives the same reference data and floor.
 */
class PointEvaluationTest {
  @Test
  void exactDrawsScoreTheFloorACollapsedHalfDoesNot() throws Exception {
    try (NDManager m = TestEngine.manager(4)) {
      int n = 2000;
      NDArray exact = ToyData.GMM8.sample(m, n);
      NDArray collapsed = NDArrays.stack(new NDList(exact.get(":, 0"), exact.get(":, 1").abs()), 1);
      PointEvaluation.Settings s = new PointEvaluation.Settings(128, 5);
      PointEvaluation.Report good = PointEvaluation.evaluate(SampleSource.of(exact, "exact draws"),
          ToyData.GMM8, n, s, 9, m);
      PointEvaluation.Report bad = PointEvaluation.measure(collapsed, ToyData.GMM8, s, 9);
      System.out.printf("exact: SW %.4f (%.2fx), modes off by %.3f, log p %.3f vs data %.3f;"
              + " collapsed: %.2fx, modes off by %.3f%n", good.sw().distance(), good.sw().ratio(),
          good.worstModeDeviation(), good.meanLogDensity(), good.dataMeanLogDensity(),
          bad.sw().ratio(), bad.worstModeDeviation());
      assertEquals("exact draws", good.sampling().sampler());
      assertEquals(n, good.n());
      assertEquals(good.sw().floorMean(), bad.sw().floorMean(), 1e-12, "same seed, same floor");
      // One reference draw against a floor of a few pairs: exact draws scored 0.86x - 1.83x over
      // twelve seeds here, the collapsed half 19-22x.
      assertTrue(good.sw().ratio() < 2.5, "exact draws at the floor: " + good.sw().ratio());
      assertTrue(bad.sw().ratio() > 8, "collapsed half: " + bad.sw().ratio());
      assertTrue(good.worstModeDeviation() < 0.03, "even modes");
      assertTrue(bad.worstModeDeviation() > 0.1, "three empty modes");
      assertEquals(good.dataMeanLogDensity(), good.meanLogDensity(), 0.1);

      PointEvaluation.Report moons = PointEvaluation.measure(ToyData.MOONS.sample(m, 500),
          ToyData.MOONS, s, 9);
      assertNull(moons.modeShares(), "no known mixture for moons");
      assertTrue(moons.sw().ratio() < 2.5, "moons draws at the floor: " + moons.sw().ratio());
      assertThrows(IllegalArgumentException.class, () -> new PointEvaluation.Settings(0, 3));
    }
  }
}
