package dev.scoreflow.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.eval.SlicedWasserstein;
import dev.scoreflow.model.CountingPredictor;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.ode.OdeSolver;
import dev.scoreflow.schedule.DiscreteVp;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Ve;
import dev.scoreflow.schedule.VpCosine;
import dev.scoreflow.schedule.VpLinear;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every sampler, fed the exact gmm8 score and started from exact p_1 samples, must reproduce the
 * data: sliced W1 to fresh data within 1.2x of the data-vs-data floor at the same sample size
 * (docs/theory.md, "Oracles for tests"). One SW1 value varies by about 35% (mode counts are multinomial), so both
 * sides are means over independent repetitions; seeded, so the outcome is the same every run.
 */
class OracleSamplerTest {
  static final int N = 2000;
  static final int REPS = 24;
  static final double T_MIN = 1e-3;
  static NDManager m;
  static SlicedWasserstein sw;
  static double floor;

  @BeforeAll
  static void setUp() {
    m = TestEngine.manager(11);
    sw = new SlicedWasserstein(m, 2, 64, 5);
    floor = Gmm8Floor.mean(m, sw, N, 4 * REPS);
  }

  @AfterAll
  static void tearDown() {
    m.close();
  }

  /** Mean SW1 of the sampler's output against fresh data, over REPS runs, divided by the floor. */
  static double ratio(Sampler sampler, NoiseProcess process) {
    GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(process, m);
    CountingPredictor eps = new CountingPredictor(oracle);
    double d = 0;
    for (int r = 0; r < REPS; r++) {
      try (NDManager run = m.newSubManager()) {
        NDArray x1 = oracle.sampleMarginal(run, N, process.tMax());
        NDArray x0 = sampler.sample(eps, process, x1, T_MIN);
        d += sw.distance(x0, oracle.sampleData(run, N)) / REPS;
      }
    }
    double ratio = d / floor;
    System.out.printf("%s on %s: SW1 %.4f, floor %.4f, ratio %.3f, NFE %d%n",
        sampler.describe(), process.name(), d, floor, ratio, eps.calls() / REPS);
    return ratio;
  }

  static void assertMatchesData(Sampler sampler, NoiseProcess process) {
    double r = ratio(sampler, process);
    assertTrue(r < 1.2, sampler.describe() + " on " + process.name() + ": SW1 ratio to floor " + r);
  }

  @Test
  void ddimDeterministic() {
    assertMatchesData(new DdimSampler(100, 0.0, TimeGrid.Spacing.QUADRATIC), new VpLinear());
  }

  @Test
  void ddimHalfEta() {
    assertMatchesData(new DdimSampler(200, 0.5, TimeGrid.Spacing.QUADRATIC), new VpLinear());
  }

  @Test
  void ddimAncestral() {
    assertMatchesData(new DdimSampler(200, 1.0, TimeGrid.Spacing.QUADRATIC), new VpLinear());
  }

  @Test
  void ddpmOnDiscreteSchedule() {
    assertMatchesData(new DdpmSampler(1000, DdpmSampler.Variance.LARGE), new DiscreteVp());
  }

  @Test
  void ddpmPosteriorVariance() {
    assertMatchesData(new DdpmSampler(1000, DdpmSampler.Variance.POSTERIOR), new VpLinear());
  }

  @Test
  void odeHeun() {
    assertMatchesData(new OdeSampler(OdeSolver.byName("heun", 0, 0), 50, TimeGrid.Spacing.QUADRATIC),
        new VpLinear());
  }

  @Test
  void odeRk4() {
    assertMatchesData(new OdeSampler(OdeSolver.byName("rk4", 0, 0), 25, TimeGrid.Spacing.UNIFORM),
        new VpCosine());
  }

  @Test
  void odeRk45() {
    assertMatchesData(new OdeSampler(OdeSolver.byName("rk45", 1e-5, 1e-5), 1, TimeGrid.Spacing.UNIFORM),
        new VpLinear());
  }

  @Test
  void odeRk45OnVe() {
    assertMatchesData(new OdeSampler(OdeSolver.byName("rk45", 1e-5, 1e-5), 1, TimeGrid.Spacing.UNIFORM),
        new Ve(0.01, 10));
  }

  /** The seed-000 family: every gamma gives the same marginals. */
  @Test
  void sdeFamilyGammas() {
    for (double gamma : new double[] {0.0, 0.5, 1.0}) {
      assertMatchesData(new SdeSampler(1000, gamma, TimeGrid.Spacing.QUADRATIC), new VpLinear());
    }
  }

  /** A broken sampler must fail the same statistic: the test has teeth. */
  @Test
  void tooFewStepsIsDetected() {
    double r = ratio(new DdimSampler(2, 0.0, TimeGrid.Spacing.UNIFORM), new VpLinear());
    assertTrue(r > 1.5, "2-step DDIM should be far from the data, ratio " + r);
  }

  @Test
  void nfeIsCounted() {
    GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(new VpLinear(), m);
    CountingPredictor eps = new CountingPredictor(oracle);
    try (NDManager run = m.newSubManager()) {
      new OdeSampler(OdeSolver.byName("heun", 0, 0), 10, TimeGrid.Spacing.UNIFORM)
          .sample(eps, new VpLinear(), oracle.sampleMarginal(run, 10, 1.0), T_MIN);
    }
    assertEquals(20, eps.calls());
  }
}
