package dev.scoreflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The radial laws of the kernel processes (docs/theory.md, "Poisson flow", "Reverse
 * construction"): the draws of |z| follow the exact radius CDF (Kolmogorov-Smirnov), the log
 * densities carry the right normalising constants (they integrate to the CDF), and the PFGM
 * prior draw is the law truncated at its radius quantile.
 */
class KernelLawTest {
  static final int N = 20000;
  /** KS critical value at level 0.001 for N draws. */
  static final double KS_CRITICAL = 1.95 / Math.sqrt(N);
  static NDManager m;

  @BeforeAll
  static void setUp() {
    m = TestEngine.manager(31);
  }

  @AfterAll
  static void tearDown() {
    m.close();
  }

  static double[] radii(NDArray z) {
    long n = z.getShape().get(0);
    float[] r = z.reshape(n, -1).norm(new int[] {1}).toFloatArray();
    double[] out = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      out[i] = r[i];
    }
    return out;
  }

  /** sup_r |F_n(r) - F(r)|, the Kolmogorov-Smirnov statistic of the draws against F. */
  static double ks(double[] r, DoubleUnaryOperator cdf) {
    double[] s = r.clone();
    Arrays.sort(s);
    double d = 0;
    for (int i = 0; i < s.length; i++) {
      double f = cdf.applyAsDouble(s[i]);
      d = Math.max(d, Math.max((i + 1.0) / s.length - f, f - (double) i / s.length));
    }
    return d;
  }

  /**
   * z = eps_d / |eps_D| has the radius law of eq. 20 (its D-dimensional form): KS against
   * I_{r^2/(1+r^2)}(d/2, D/2) for D = 1 and 4, in d = 2 and 16; the CDF of D + 1 (one more in
   * the exponent) is rejected, so the test tells the exponents apart.
   */
  @Test
  void pfgmRadiusFollowsEq20() {
    for (int extra : new int[] {1, 4}) {
      PfgmLaw law = new PfgmLaw(extra);
      PfgmLaw wrong = new PfgmLaw(extra + 1);
      for (int dim : new int[] {2, 16}) {
        try (NDManager run = m.newSubManager()) {
          double[] r = radii(law.sample(run, new Shape(N, dim)));
          double stat = ks(r, x -> law.radiusCdf(x, dim));
          double off = ks(r, x -> wrong.radiusCdf(x, dim));
          System.out.printf("pfgm D=%d d=%d: KS %.4f (critical %.4f), against D+1: %.4f%n", extra,
              dim, stat, KS_CRITICAL, off);
          assertTrue(stat < KS_CRITICAL, "D=" + extra + " d=" + dim + ": KS " + stat);
          assertTrue(off > 3 * KS_CRITICAL, "D+1's law should be rejected: KS " + off);
        }
      }
    }
  }

  /** The tanh kernel's |z| = artanh U has CDF tanh r in every dimension; tanh(r/1.2) is rejected. */
  @Test
  void tanhRadiusFollowsItsCdf() {
    TanhRadialLaw law = new TanhRadialLaw();
    for (int dim : new int[] {2, 16}) {
      try (NDManager run = m.newSubManager()) {
        double[] r = radii(law.sample(run, new Shape(N, dim)));
        double stat = ks(r, law::radiusCdf);
        double off = ks(r, x -> Math.tanh(x / 1.2));
        System.out.printf("tanh d=%d: KS %.4f (critical %.4f), against tanh(r/1.2): %.4f%n", dim,
            stat, KS_CRITICAL, off);
        assertTrue(stat < KS_CRITICAL, "tanh d=" + dim + ": KS " + stat);
        assertTrue(off > 3 * KS_CRITICAL, "tanh(r/1.2) should be rejected: KS " + off);
      }
    }
  }

  /**
   * The log densities are normalised: |S^(d-1)| r^(d-1) rho(r e_1) is the derivative of the
   * radius CDF (central differences), for both laws, several D and d.
   */
  @Test
  void logDensitiesMatchTheRadiusCdf() {
    double h = 1e-4;
    for (int dim : new int[] {1, 2, 5, 16}) {
      double area = CdfRadialLaw.logSphereArea(dim);
      for (int extra : new int[] {1, 3, 64}) {
        PfgmLaw law = new PfgmLaw(extra);
        check(law, x -> law.radiusCdf(x, dim), dim, area, h, "pfgm D=" + extra);
      }
      TanhRadialLaw tanh = new TanhRadialLaw();
      check(tanh, tanh::radiusCdf, dim, area, h, "tanh");
    }
  }

  static void check(RadialLaw law, DoubleUnaryOperator cdf, int dim, double logArea, double h,
      String name) {
    double[] rs = {0.05, 0.3, 1.0, 2.5, 7.0};
    try (NDManager run = m.newSubManager()) {
      float[] z = new float[rs.length * dim];
      for (int i = 0; i < rs.length; i++) {
        z[i * dim] = (float) rs[i];
      }
      NDArray logRho = law.logDensity(run.create(z, new Shape(rs.length, dim)));
      float[] lr = logRho.toFloatArray();
      for (int i = 0; i < rs.length; i++) {
        double r = rs[i];
        double pdf = (cdf.applyAsDouble(r + h) - cdf.applyAsDouble(r - h)) / (2 * h);
        double fromDensity = Math.exp(lr[i] + logArea + (dim - 1) * Math.log(r));
        assertEquals(pdf, fromDensity, 2e-3 * pdf + 1e-7,
            name + " d=" + dim + " r=" + r + ": density vs dCDF/dr");
      }
    }
  }

  /**
   * The PFGM prior draw is s(1) z with z from rho_D conditioned on |z| below the 0.99 radius
   * quantile: nothing beyond it, and KS against F(r) / 0.99 below it.
   */
  @Test
  void pfgmPriorIsTheTruncatedLaw() {
    for (int extra : new int[] {1, 4}) {
      Pfgm p = new Pfgm(extra, 10.0);
      PfgmLaw law = new PfgmLaw(extra);
      int dim = 2;
      double q = Pfgm.PRIOR_QUANTILE;
      double limit = law.radiusQuantile(q, dim);
      assertEquals(q, law.radiusCdf(limit, dim), 1e-9, "quantile");
      try (NDManager run = m.newSubManager()) {
        double[] r = radii(Scalars_div(p.samplePrior(run, new Shape(N, dim)), p.sMax()));
        double max = Arrays.stream(r).max().getAsDouble();
        double stat = ks(r, x -> Math.min(1, law.radiusCdf(x, dim) / q));
        double untruncated = ks(r, x -> law.radiusCdf(x, dim));
        System.out.printf("pfgm D=%d prior: max |z| %.2f (limit %.2f), KS %.4f, against the"
            + " untruncated law %.4f%n", extra, max, limit, stat, untruncated);
        assertTrue(max <= limit * (1 + 1e-5), "beyond the limit: " + max);
        assertTrue(stat < KS_CRITICAL, "truncated prior, D=" + extra + ": KS " + stat);
      }
    }
  }

  static NDArray Scalars_div(NDArray x, double v) {
    return dev.scoreflow.tensor.Scalars.div(x, v);
  }
}
