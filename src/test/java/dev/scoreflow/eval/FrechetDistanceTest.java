package dev.scoreflow.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.eval.FrechetDistance.Moments;
import org.junit.jupiter.api.Test;

/** The Frechet distance against closed forms, and its estimate from Gaussian draws. */
class FrechetDistanceTest {
  private static Moments gaussian(double[] mean, double[][] cov) {
    return new Moments(mean, cov, Long.MAX_VALUE);
  }

  @Test
  void diagonalCovariancesGiveTheSumOfSquaredStdDifferences() {
    Moments a = gaussian(new double[] {1, 2, 0}, new double[][] {{1, 0, 0}, {0, 4, 0}, {0, 0, 9}});
    Moments b = gaussian(new double[] {0, 0, 0}, new double[][] {{4, 0, 0}, {0, 1, 0}, {0, 0, 9}});
    // |dmu|^2 = 5; sum (sqrt s1 - sqrt s2)^2 = 1 + 1 + 0
    assertEquals(7.0, FrechetDistance.distance(a, b), 1e-9);
    assertEquals(7.0, FrechetDistance.distance(b, a), 1e-9);
    assertEquals(0.0, FrechetDistance.distance(a, a), 1e-9);
  }

  @Test
  void nonCommutingCovariancesMatchTheTwoByTwoFormula() {
    // For 2x2 S1 S2 with eigenvalues l1, l2 > 0: tr (S1 S2)^(1/2) = sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)).
    double[][] s1 = {{2, 1}, {1, 2}};
    double[][] s2 = {{1, 0}, {0, 3}};
    double trProduct = 2 * 1 + 2 * 3;
    double traceRoot = Math.sqrt(trProduct + 2 * Math.sqrt(3.0 * 3.0));
    double expected = 1 * 1 + 4 + 4 - 2 * traceRoot; // mean difference (1, 0)
    Moments a = gaussian(new double[] {1, 0}, s1);
    Moments b = gaussian(new double[] {0, 0}, s2);
    assertEquals(expected, FrechetDistance.distance(a, b), 1e-9);
    assertEquals(expected, FrechetDistance.distance(b, a), 1e-9);
  }

  @Test
  void momentsFromDrawsEstimateTheDistance() {
    try (NDManager m = TestEngine.manager(11)) {
      int n = 40_000;
      // x = z L^T + mu with L lower-triangular: covariance L L^T
      NDArray l = m.create(new float[] {1, 0, 0, 0.5f, 1, 0, -0.3f, 0.2f, 0.8f}, new Shape(3, 3));
      NDArray mu = m.create(new float[] {0.5f, -1, 0});
      NDArray x = m.randomNormal(new Shape(n, 3)).matMul(l.transpose()).add(mu);
      NDArray y = m.randomNormal(new Shape(n, 3)).matMul(l.transpose()).add(mu);
      NDArray z = m.randomNormal(new Shape(n, 3)).mul(1.5f); // N(0, 2.25 I)
      double[][] cov = {{1, 0.5, -0.3}, {0.5, 1.25, 0.05}, {-0.3, 0.05, 0.77}};
      Moments exact = gaussian(new double[] {0.5, -1, 0}, cov);
      Moments fitted = FrechetDistance.moments(x);
      for (int i = 0; i < 3; i++) {
        assertEquals(exact.mean()[i], fitted.mean()[i], 0.02);
        for (int j = 0; j < 3; j++) {
          assertEquals(cov[i][j], fitted.cov()[i][j], 0.03);
        }
      }
      double same = FrechetDistance.between(x, y);
      Moments iso = gaussian(new double[3], new double[][] {{2.25, 0, 0}, {0, 2.25, 0}, {0, 0, 2.25}});
      double exactApart = FrechetDistance.distance(exact, iso);
      double apart = FrechetDistance.between(x, z);
      System.out.printf("same-law distance %.5f; apart %.4f (exact %.4f)%n", same, apart, exactApart);
      assertTrue(same < 0.005, "two draws of one law: " + same);
      assertEquals(exactApart, apart, 0.05 * exactApart);
    }
  }
}
