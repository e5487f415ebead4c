package dev.scoreflow.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.eval.SlicedWasserstein;
import dev.scoreflow.model.ConditionalPredictor;
import dev.scoreflow.model.GuidedPredictor;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.ode.OdeSolver;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.VpLinear;
import dev.scoreflow.tensor.HostCopy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Classifier-free guidance with exact scores (docs/theory.md, "Class conditioning and
 * guidance"): on gmm8 the conditional predictor of class k is the exact score of component k
 * (one Gaussian) and the unconditional one the exact mixture score. Every sampler, through the
 * guided predictor alone, must then draw component k at S = 1 and the mixture at S = 0, each
 * within 1.2x the sliced-Wasserstein floor (mean over seeded repetitions, as in
 * OracleSamplerTest), and the share of samples in mode k must grow with S.
 */
class GuidedOracleTest {
  static final int N = 600;
  static final int REPS = 8;
  /** SW1 on the mixture varies more (mode counts are multinomial): more and larger samples. */
  static final int MIXTURE_N = 2000;
  static final int MIXTURE_REPS = 16;
  static final double T_MIN = 1e-3;
  static final NoiseProcess VP = new VpLinear();
  static NDManager m;
  static SlicedWasserstein sw;
  static GaussianMixtureOracle gmm8;
  static double componentFloor;
  static double mixtureFloor;

  @BeforeAll
  static void setUp() {
    m = TestEngine.manager(21);
    sw = new SlicedWasserstein(m, 2, 64, 5);
    gmm8 = GaussianMixtureOracle.gmm8(VP, m);
    double c = 0;
    double u = 0;
    int pairs = 4 * MIXTURE_REPS;
    for (int i = 0; i < pairs; i++) {
      try (NDManager pair = m.newSubManager()) {
        // SW1 is translation invariant, so one component's floor is every component's.
        c += sw.distance(gmm8.sampleComponent(pair, N, 0), gmm8.sampleComponent(pair, N, 0));
        u += sw.distance(gmm8.sampleData(pair, MIXTURE_N), gmm8.sampleData(pair, MIXTURE_N));
      }
    }
    componentFloor = c / pairs;
    mixtureFloor = u / pairs;
  }

  @AfterAll
  static void tearDown() {
    m.close();
  }

  /** The guided predictor of class k at scale S for a batch of n. */
  static NoisePredictor guided(ConditionalPredictor model, NDManager run, int n, int k, double s) {
    NDArray labels = run.full(new Shape(n), k, DataType.INT32);
    return new GuidedPredictor(model, labels, s);
  }

  /** Mean SW1 of class-k samples at S = 1 against fresh component-k draws, over the floor. */
  static double classRatio(Sampler sampler, int k) {
    ScoreflowEngine.seed(100 + k);
    GaussianMixtureOracle component = GaussianMixtureOracle.single(VP, gmm8.means().get(k), 0.15);
    double d = 0;
    for (int r = 0; r < REPS; r++) {
      try (NDManager run = m.newSubManager()) {
        // Exact draws of the class-k marginal at tMax, as OracleSamplerTest starts.
        NDArray x1 = component.sampleMarginal(run, N, VP.tMax());
        NDArray x0 = sampler.sample(guided(gmm8.conditional(), run, N, k, 1.0), VP, x1, T_MIN);
        d += sw.distance(x0, gmm8.sampleComponent(run, N, k)) / REPS;
      }
    }
    double ratio = d / componentFloor;
    System.out.printf("%s, class %d at S = 1: SW1 %.4f, floor %.4f, ratio %.3f%n",
        sampler.describe(), k, d, componentFloor, ratio);
    return ratio;
  }

  /** Every sampler sees only a NoisePredictor and gets guidance for free. */
  @Test
  void everySamplerDrawsTheAskedComponentAtScaleOne() {
    List<Sampler> samplers = List.of(
        new DdpmSampler(400, DdpmSampler.Variance.POSTERIOR, TimeGrid.Spacing.QUADRATIC),
        new DdimSampler(50, 0.0, TimeGrid.Spacing.QUADRATIC),
        new OdeSampler(OdeSolver.byName("euler", 0, 0), 100, TimeGrid.Spacing.QUADRATIC),
        new OdeSampler(OdeSolver.byName("heun", 0, 0), 20, TimeGrid.Spacing.QUADRATIC),
        new OdeSampler(OdeSolver.byName("rk4", 0, 0), 12, TimeGrid.Spacing.QUADRATIC),
        new OdeSampler(OdeSolver.byName("rk45", 1e-4, 1e-4), 1, TimeGrid.Spacing.UNIFORM),
        new SdeSampler(200, 1.0, TimeGrid.Spacing.QUADRATIC),
        new DpmSolverPlusPlus2M(25, TimeGrid.Spacing.LOGSNR, true));
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < samplers.size(); i++) {
      int k = (3 * i + 1) % 8; // a different mode for each sampler
      double r = classRatio(samplers.get(i), k);
      if (!(r < 1.2)) {
        failures.add(samplers.get(i).describe() + " class " + k + ": ratio " + r);
      }
    }
    assertTrue(failures.isEmpty(), "SW1 to component k over its floor: " + failures);
  }

  @Test
  void scaleZeroIsTheUnconditionalMixture() {
    ScoreflowEngine.seed(102); // the outcome does not depend on which tests ran before
    Sampler sampler = new DdimSampler(100, 0.0, TimeGrid.Spacing.QUADRATIC);
    double d = 0;
    for (int r = 0; r < MIXTURE_REPS; r++) {
      try (NDManager run = m.newSubManager()) {
        NDArray x1 = gmm8.sampleMarginal(run, MIXTURE_N, VP.tMax());
        NDArray x0 = sampler.sample(guided(gmm8.conditional(), run, MIXTURE_N, 5, 0.0), VP, x1,
            T_MIN);
        d += sw.distance(x0, gmm8.sampleData(run, MIXTURE_N)) / MIXTURE_REPS;
      }
    }
    double ratio = d / mixtureFloor;
    System.out.printf("S = 0, class 5: SW1 to the mixture %.4f, floor %.4f, ratio %.3f%n", d,
        mixtureFloor, ratio);
    assertTrue(ratio < 1.2, "S = 0 should give the mixture; SW1 ratio to floor " + ratio);
  }

  /** Share of samples in mode k at each scale (nearest centre), one start for all scales. */
  static double[] modeShares(int k, double[] scales) {
    ScoreflowEngine.seed(101);
    double[] shares = new double[scales.length];
    int n = 1000;
    Sampler sampler = new DdimSampler(25, 0.0, TimeGrid.Spacing.QUADRATIC);
    try (NDManager run = m.newSubManager()) {
      NDArray x1 = gmm8.sampleMarginal(run, n, VP.tMax());
      for (int i = 0; i < scales.length; i++) {
        NDArray x0 = sampler.sample(guided(gmm8.conditional(), run, n, k, scales[i]), VP, x1,
            T_MIN);
        long[] nearest = gmm8.nearestComponent(x0).toLongArray();
        long hits = java.util.Arrays.stream(nearest).filter(c -> c == k).count();
        shares[i] = (double) hits / n;
      }
    }
    return shares;
  }

  @Test
  void theShareOfModeKGrowsWithTheScale() {
    double[] scales = {0, 0.25, 0.5, 1, 3};
    double[] share = modeShares(6, scales);
    System.out.println("mode-6 shares at S = 0, 0.25, 0.5, 1, 3: "
        + java.util.Arrays.toString(share));
    // S = 0: one mode in eight (binomial sd at n = 1000 is 0.01).
    assertEquals(0.125, share[0], 0.03, "S = 0");
    for (int i = 1; i < 4; i++) {
      assertTrue(share[i] > share[i - 1] + 0.05, "the share must grow from S = " + scales[i - 1]
          + " to " + scales[i] + ": " + java.util.Arrays.toString(share));
    }
    assertTrue(share[3] > 0.99, "S = 1 is the exact conditional: " + share[3]);
    assertTrue(share[4] >= share[3] - 0.002, "S = 3 stays in the mode: " + share[4]);
  }

  /**
   * The formula itself, on one batch: eps_u + S (eps_c - eps_u) from one batched call, against
   * the two predictions made apart; and how many rows each scale asks the model for.
   */
  @Test
  void oneBatchedCallMakesBothHalves() {
    try (NDManager run = m.newSubManager()) {
      NDArray x = run.randomNormal(new Shape(7, 2));
      NDArray labels = run.create(new int[] {0, 1, 2, 3, 4, 5, 6});
      ConditionalPredictor exact = gmm8.conditional();
      List<Long> rows = new ArrayList<>();
      ConditionalPredictor counted = recordingRows(exact, rows);
      double t = 0.4;
      float[] cond = HostCopy.floats(exact.predict(x, t, labels));
      float[] uncond = HostCopy.floats(gmm8.predict(x, t));
      for (double s : new double[] {0, 1, 2.5}) {
        rows.clear();
        float[] got = HostCopy.floats(new GuidedPredictor(counted, labels, s).predict(x, t));
        float[] want = new float[got.length];
        for (int i = 0; i < want.length; i++) {
          want[i] = (float) (uncond[i] + s * (cond[i] - uncond[i]));
        }
        assertArrayEquals(want, got, 2e-5f, "S = " + s);
        assertEquals(List.of(s == 2.5 ? 14L : 7L), rows, "one call per step at S = " + s);
        assertEquals(s == 2.5 ? 2 : 1, Guidance.everywhere(s).evaluationsAt(VP).applyAsInt(t));
      }
      // The conditional oracle's row k is component k's exact eps, b (x - a mu_k) / v_k.
      float[] x0 = HostCopy.floats(x);
      float[] mu = HostCopy.floats(gmm8.means());
      double a = VP.a(t);
      double b = VP.b(t);
      double v = a * a * 0.15 * 0.15 + b * b;
      for (int i = 0; i < 7; i++) {
        for (int d = 0; d < 2; d++) {
          assertEquals(b * (x0[2 * i + d] - a * mu[2 * i + d]) / v, cond[2 * i + d], 1e-4,
              "row " + i);
        }
      }
    }
  }

  /**
   * A guidance interval (sigma_lo, sigma_hi] guides exactly at the noise levels inside it, with
   * one batched call of both halves, and is the conditional model alone (one half) elsewhere.
   */
  @Test
  void theIntervalGuidesOnlyItsNoiseLevels() {
    try (NDManager run = m.newSubManager()) {
      NDArray x = run.randomNormal(new Shape(5, 2));
      NDArray labels = run.create(new int[] {0, 2, 4, 6, 7});
      ConditionalPredictor exact = gmm8.conditional();
      List<Long> rows = new ArrayList<>();
      ConditionalPredictor counted = recordingRows(exact, rows);
      double s = 2.5;
      Guidance interval = new Guidance(s, 0.5, 2);
      assertTrue(interval.limited());
      NoisePredictor guidedHere = interval.predictor(counted, labels, VP);
      int inside = 0;
      for (double t : new double[] {0.02, 0.1, 0.25, 0.4, 0.55, 0.8, 0.99}) {
        double sigma = VP.b(t) / VP.a(t);
        boolean on = sigma > 0.5 && sigma <= 2;
        inside += on ? 1 : 0;
        float[] cond = HostCopy.floats(exact.predict(x, t, labels));
        float[] uncond = HostCopy.floats(gmm8.predict(x, t));
        rows.clear();
        float[] got = HostCopy.floats(guidedHere.predict(x, t));
        for (int i = 0; i < got.length; i++) {
          double want = on ? uncond[i] + s * (cond[i] - uncond[i]) : cond[i];
          assertEquals(want, got[i], 2e-5, "t = " + t + " (sigma " + sigma + ")");
        }
        assertEquals(List.of(on ? 10L : 5L), rows, "t = " + t);
        assertEquals(on ? 2 : 1, interval.evaluationsAt(VP).applyAsInt(t), "t = " + t);
      }
      assertTrue(inside > 0 && inside < 7, "the times must fall on both sides: " + inside);
      assertFalse(Guidance.everywhere(s).limited());
    }
  }

  /** {@code exact}, noting the batch rows of every call in {@code rows}. */
  static ConditionalPredictor recordingRows(ConditionalPredictor exact, List<Long> rows) {
    return new ConditionalPredictor() {
      @Override
      public NDArray predict(NDArray xs, double t, NDArray y) {
        rows.add(xs.getShape().get(0));
        return exact.predict(xs, t, y);
      }

      @Override
      public int numClasses() {
        return exact.numClasses();
      }
    };
  }
}
