package dev.scoreflow.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.eval.OdeLikelihood.Divergence;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.schedule.GaussianProcess;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.schedule.RectifiedFlow;
import dev.scoreflow.schedule.Ve;
import dev.scoreflow.schedule.VpLinear;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ODE likelihood against closed forms: exact oracle scores, so the only errors left are the
 * solver's (and, where said, the prior stand-in's).
 */
class OdeLikelihoodTest {
  static final double T_MIN = 1e-3;
  static NDManager m;

  @BeforeAll
  static void setUp() {
    m = TestEngine.manager(5);
  }

  @AfterAll
  static void tearDown() {
    m.close();
  }

  static final float[] POINTS = {1f, -0.5f, 0f, 0f, 2f, 1f, -1f, -2f, 1.5f, -0.2f, 0.3f, 0.7f, 2.2f, -1.9f};

  /** log N(x; mu, s^2 I) in closed form. */
  static double logNormal(float[] x, int row, float[] mu, double s) {
    double q = 0;
    for (int i = 0; i < mu.length; i++) {
      double d = x[row * mu.length + i] - mu[i];
      q += d * d;
    }
    return -0.5 * q / (s * s) - 0.5 * mu.length * Math.log(2 * Math.PI * s * s);
  }

  static double[] host(NDArray a) {
    return OdeLikelihood.toDoubles(a);
  }

  void singleGaussian(GaussianProcess process, String name) {
    singleGaussian(process, Prediction.EPS, 0.01, name);
  }

  /** {@code gap0}: how far log p_tmin may lie from log p_0 (t_min's own blur of the data). */
  void singleGaussian(GaussianProcess process, Prediction prediction, double gap0, String name) {
    try (NDManager run = m.newSubManager()) {
      float[] mu = {1f, -0.5f};
      double s = 0.5;
      GaussianMixtureOracle oracle = GaussianMixtureOracle.single(process, run.create(mu), s);
      NDArray x = run.create(POINTS, new Shape(POINTS.length / 2, 2));
      OdeLikelihood lik = new OdeLikelihood(
          Denoiser.of(oracle.predictor(prediction), process, prediction), T_MIN, 1e-6, 1e-6,
          Divergence.EXACT);
      OdeLikelihood.Result r = lik.evaluate(x, z -> oracle.logDensity(z, process.tMax()));
      double[] exactTmin = host(oracle.logDensity(x, T_MIN));
      double worstTmin = 0;
      double worst0 = 0;
      for (int i = 0; i < r.logp.length; i++) {
        double closed = logNormal(POINTS, i, mu, s);
        System.out.printf("%s x=(%.1f, %.1f): ode %.5f  log p_tmin %.5f  log p_0 %.5f%n", name,
            POINTS[2 * i], POINTS[2 * i + 1], r.logp[i], exactTmin[i], closed);
        worstTmin = Math.max(worstTmin, Math.abs(r.logp[i] - exactTmin[i]));
        worst0 = Math.max(worst0, Math.abs(r.logp[i] - closed));
      }
      System.out.printf("%s: max |ode - log p_tmin| %.2e, max |ode - log p_0| %.2e, %d evaluations%n",
          name, worstTmin, worst0, r.evaluations);
      assertTrue(worstTmin < 2e-3, name + ": max |ode - log p_tmin| = " + worstTmin);
      assertTrue(worst0 < gap0, name + ": max |ode - log p_0| = " + worst0);

      // The usual stand-in prior N(0, b(tmax)^2 I) instead of the exact p_tmax.
      OdeLikelihood.Result std = lik.evaluate(x, OdeLikelihood.isotropicGaussian(process.priorStd()));
      double worstStd = 0;
      for (int i = 0; i < r.logp.length; i++) {
        worstStd = Math.max(worstStd, Math.abs(std.logp[i] - exactTmin[i]));
      }
      System.out.printf("%s: with the N(0, %.5f^2 I) prior: max |ode - log p_tmin| %.2e%n", name,
          process.priorStd(), worstStd);
    }
  }

  /**
   * Rectified flow reaches its prior N(0, I) exactly at t = 1 and integrates in t with a
   * velocity (or x0) prediction: the process's own prior gives the closed form.
   */
  @Test
  void singleGaussianRectifiedFlowMatchesClosedForm() {
    GaussianProcess rf = new RectifiedFlow();
    // a(t_min) = 1 - t_min shrinks the data by 1e-3 (VP: by 5e-5), so p_tmin sits further from
    // p_0 than for VP; the ODE must still match p_tmin to 2e-3.
    singleGaussian(rf, Prediction.VELOCITY, 0.03, "rectified-flow velocity");
    singleGaussian(rf, Prediction.X0, 0.03, "rectified-flow x0");
    try (NDManager run = m.newSubManager()) {
      float[] mu = {1f, -0.5f};
      GaussianMixtureOracle oracle = GaussianMixtureOracle.single(rf, run.create(mu), 0.5);
      NDArray x = run.create(POINTS, new Shape(POINTS.length / 2, 2));
      OdeLikelihood.Result own = new OdeLikelihood(
          Denoiser.of(oracle.predictor(Prediction.VELOCITY), rf, Prediction.VELOCITY), T_MIN, 1e-6,
          1e-6, Divergence.EXACT).evaluate(x);
      double[] exactTmin = host(oracle.logDensity(x, T_MIN));
      for (int i = 0; i < own.logp.length; i++) {
        assertEquals(exactTmin[i], own.logp[i], 2e-3, "rectified flow, own prior, point " + i);
      }
    }
  }

  @Test
  void singleGaussianVpMatchesClosedForm() {
    singleGaussian(new VpLinear(), "vp-linear");
  }

  @Test
  void singleGaussianVeMatchesClosedForm() {
    singleGaussian(new Ve(0.01, 10.0), "ve");
  }

  /** 200 draws of p_tmin for gmm8: the error shrinks with the tolerance (0.01 nat at 1e-5). */
  @Test
  void gmm8MatchesTheExactMixtureDensity() {
    NoiseProcess vp = new VpLinear();
    try (NDManager run = m.newSubManager()) {
      GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(vp, run);
      NDArray x = oracle.sampleMarginal(run, 200, T_MIN);
      for (double tol : new double[] {1e-4, 1e-5, 1e-6}) {
        OdeLikelihood lik = new OdeLikelihood(oracle, vp, T_MIN, tol, tol, Divergence.EXACT);
        long t0 = System.nanoTime();
        OdeLikelihood.Result r = lik.evaluate(x, z -> oracle.logDensity(z, vp.tMax()));
        double[] exact = host(oracle.logDensity(x, T_MIN));
        double worst = 0;
        double meanErr = 0;
        for (int i = 0; i < exact.length; i++) {
          worst = Math.max(worst, Math.abs(r.logp[i] - exact[i]));
          meanErr += (r.logp[i] - exact[i]) / exact.length;
        }
        System.out.printf("gmm8 tol %.0e: mean ode %.5f exact %.5f, mean err %.2e, max |err| %.2e,"
            + " %d evaluations (%d accepted, %d rejected), %.1f s%n", tol, r.meanLogp(),
            OdeLikelihood.mean(exact), meanErr, worst, r.evaluations, r.acceptedSteps,
            r.rejectedSteps, (System.nanoTime() - t0) / 1e9);
        // Measured: max 3.8e-2 / 6.3e-3 / 2.3e-4 nat, mean |err| below 1e-4 at every tolerance.
        assertTrue(Math.abs(meanErr) < 1e-3, "tol " + tol + ": mean error " + meanErr);
        assertTrue(worst < (tol > 5e-6 ? tol * 1000 : 2e-3), "tol " + tol + ": max error " + worst);
      }
    }
  }

  /** n copies of one point: a batch in which every copy gets its own Hutchinson probe. */
  static NDArray copies(NDManager run, float[] point, int n) {
    return run.create(point).reshape(1, -1).tile(new long[] {n, 1});
  }

  static double[] meanAndStdError(double[] v) {
    double mean = OdeLikelihood.mean(v);
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double sd = Math.sqrt(ss / (v.length - 1));
    return new double[] {mean, sd / Math.sqrt(v.length), sd};
  }

  /**
   * Hutchinson's estimator is unbiased: one-probe log-likelihoods of the same point scatter, and
   * their mean over many probes agrees with the exact-divergence result within its standard error.
   */
  @Test
  void hutchinsonIsUnbiasedAroundTheExactResult() {
    NoiseProcess vp = new VpLinear();
    int probes = 400;
    try (NDManager run = m.newSubManager()) {
      dev.scoreflow.engine.ScoreflowEngine.seed(11);
      float[] mu = {1f, -0.5f};
      GaussianMixtureOracle single = GaussianMixtureOracle.single(vp, run.create(mu), 0.5);
      GaussianMixtureOracle gmm8 = GaussianMixtureOracle.gmm8(vp, run);
      float[] point = {1.5f, -0.2f};
      for (GaussianMixtureOracle oracle : new GaussianMixtureOracle[] {single, gmm8}) {
        String name = oracle == single ? "single Gaussian" : "gmm8";
        OdeLikelihood.Prior prior = z -> oracle.logDensity(z, vp.tMax());
        double exact = new OdeLikelihood(oracle, vp, T_MIN, 1e-6, 1e-6, Divergence.EXACT)
            .evaluate(run.create(point, new Shape(1, 2)), prior).logp[0];
        for (Divergence kind : new Divergence[] {Divergence.GAUSSIAN, Divergence.RADEMACHER}) {
          OdeLikelihood.Result r = new OdeLikelihood(oracle, vp, T_MIN, 1e-5, 1e-5, kind)
              .evaluate(copies(run, point, probes), prior);
          double[] ms = meanAndStdError(r.logp);
          System.out.printf("%s, %s probes: exact %.4f, mean of %d one-probe results %.4f +- %.4f"
              + " (s.e.), one-probe sd %.4f%n", name, kind.id(), exact, probes, ms[0], ms[1], ms[2]);
          if (oracle == single && kind == Divergence.RADEMACHER) {
            // d eps/dx is a multiple of I here, and z^T (c I) z = c D for every Rademacher z.
            assertEquals(exact, ms[0], 1e-3);
            assertTrue(ms[2] < 1e-3, "Rademacher on an isotropic Jacobian has no variance: " + ms[2]);
          } else {
            assertTrue(ms[2] > 0.05, name + " " + kind.id() + ": one-probe results should scatter");
            assertEquals(exact, ms[0], 4 * ms[1], name + " " + kind.id() + ": mean of one-probe results");
          }
        }
      }
    }
  }

  /**
   * Image-sized data: a 64-dimensional isotropic Gaussian in [-1, 1] scale, Rademacher probes (exact
   * for an isotropic Jacobian), dequantised 8-bit points; bits/dim against the closed form.
   */
  @Test
  void bitsPerDimOfAGaussianImageModel() {
    NoiseProcess vp = new VpLinear();
    try (NDManager run = m.newSubManager()) {
      dev.scoreflow.engine.ScoreflowEngine.seed(12);
      int n = 16;
      long dim = 64;
      GaussianMixtureOracle oracle = GaussianMixtureOracle.single(vp, run.zeros(new Shape(dim)), 0.5);
      NDArray pixels = run.randomInteger(0, 256, new Shape(n, 1, 8, 8), ai.djl.ndarray.types.DataType.INT32);
      NDArray x = OdeLikelihood.dequantise(pixels);
      assertTrue(x.min().getFloat() >= -1f && x.max().getFloat() < 1f);
      double[] exact = host(oracle.logDensity(x.reshape(n, dim), T_MIN));
      // The oracle works on flat rows; the likelihood sees images [N, 1, 8, 8].
      dev.scoreflow.model.NoisePredictor images =
          (z, t) -> oracle.predict(z.reshape(z.getShape().get(0), dim), t).reshape(z.getShape());
      OdeLikelihood.Result r = new OdeLikelihood(images, vp, T_MIN, 1e-5, 1e-5, Divergence.RADEMACHER)
          .evaluate(x, z -> oracle.logDensity(z.reshape(n, dim), vp.tMax()));
      double bpdExact = OdeLikelihood.bitsPerDim(OdeLikelihood.mean(exact), dim);
      System.out.printf("64-D Gaussian: ode %.5f bits/dim, exact %.5f bits/dim, %d evaluations%n",
          r.meanBitsPerDim(), bpdExact, r.evaluations);
      assertEquals(bpdExact, r.meanBitsPerDim(), 5e-4); // measured 1.1e-4 (0.005 nat per image)
      // Exact divergence refuses image sizes instead of running 784 passes per step.
      OdeLikelihood exactLik = new OdeLikelihood(oracle, vp, T_MIN, 1e-5, 1e-5, Divergence.EXACT);
      assertThrows(IllegalArgumentException.class,
          () -> exactLik.evaluate(run.zeros(new Shape(1, 1, 28, 28)), z -> z.sum(new int[] {1, 2, 3})));
    }
  }

  /** The convention's anchor: the uniform density 2^-D on [-1, 1)^D is 8 bits per dimension. */
  @Test
  void uniformDensityIsEightBitsPerDim() {
    long dim = 784;
    assertEquals(8.0, OdeLikelihood.bitsPerDim(-dim * Math.log(2), dim), 1e-12);
    // and a density 256 times higher on every dimension's cell saves exactly 8 bits per dimension
    assertEquals(0.0, OdeLikelihood.bitsPerDim(-dim * Math.log(2) + dim * Math.log(256), dim), 1e-12);
  }
}
