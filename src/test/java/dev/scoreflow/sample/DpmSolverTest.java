package dev.scoreflow.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.CountingPredictor;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.ode.FixedStepMethod;
import dev.scoreflow.sample.ode.FixedStepSolver;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.schedule.RectifiedFlow;
import dev.scoreflow.schedule.Ve;
import dev.scoreflow.schedule.VpCosine;
import dev.scoreflow.schedule.VpLinear;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DPM-Solver++(2M) with the exact gmm8 oracle: its first-order form is DDIM (eta = 0), its
 * pathwise error against an accurate ODE solution falls at second order where DDIM's falls at
 * first, and its samples reach DDIM-50's sliced-W1 quality with far fewer network calls.
 */
class DpmSolverTest {
  static final TimeGrid.Spacing LOGSNR = TimeGrid.Spacing.LOGSNR;
  static final TimeGrid.Spacing UNIFORM = TimeGrid.Spacing.UNIFORM;
  static final TimeGrid.Spacing QUADRATIC = TimeGrid.Spacing.QUADRATIC;
  /** Seed set before every SW1 evaluation: all samplers see the same x1 and the same data. */
  static final long PAIRED_SEED = 77;
  static NDManager m;
  static double ddim50Best = Double.NaN;

  @BeforeAll
  static void setUp() {
    m = TestEngine.manager(31);
    OracleSamplerTest.setUp(); // the data-vs-data floor and SW1 set-up that ratio(...) uses
  }

  @AfterAll
  static void tearDown() {
    OracleSamplerTest.tearDown();
    m.close();
  }

  static double rms(NDArray a, NDArray b) {
    return a.sub(b).square().mean().sqrt().getFloat();
  }

  static double maxAbs(NDArray a) {
    return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
  }

  /**
   * With the second-order correction off, every step is DDIM's, on any grid and process: equal to
   * rounding, about 1e-14 in float64. In float32 the two groupings of the same formula drift apart
   * by up to about 1e-4 on VP cosine with the uniform grid: its first step goes from a = 1.6e-3 to
   * a = 0.16, so either grouping multiplies the rounding of x or eps by a_s/a_t = 100, and the flow
   * can amplify that further near the boundary between two modes.
   */
  @Test
  void firstOrderIsDdim() {
    ScoreflowEngine.seed(31);
    for (NoiseProcess p : new NoiseProcess[] {new VpLinear(), new VpCosine(), new Ve(0.01, 10)}) {
      GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(p, m);
      for (TimeGrid.Spacing spacing : new TimeGrid.Spacing[] {LOGSNR, UNIFORM}) {
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
          try (NDManager run = m.newSubManager()) {
            NDArray x1 = oracle.sampleMarginal(run, 500, p.tMax()).toType(type, false);
            NDArray ddim = new DdimSampler(10, 0.0, spacing).sample(oracle, p, x1, 1e-3);
            NDArray first =
                new DpmSolverPlusPlus2M(10, spacing, 1, true).sample(oracle, p, x1, 1e-3);
            NDArray second = new DpmSolverPlusPlus2M(10, spacing, true).sample(oracle, p, x1, 1e-3);
            assertEquals(type, first.getDataType());
            double scale = maxAbs(ddim);
            double d = maxAbs(first.sub(ddim)) / scale;
            double d2 = maxAbs(second.sub(ddim)) / scale;
            System.out.printf("%s %s %s: max |order1 - ddim| / max |x| = %.2e (order 2: %.2e)%n",
                p.name(), spacing, type, d, d2);
            assertEquals(0.0, d, type == DataType.FLOAT64 ? 1e-12 : 1e-3, p.name() + " " + spacing);
            assertTrue(d2 > 1e-2, "the second-order solver must differ from DDIM: " + d2);
          }
        }
      }
    }
  }

  /**
   * Error at the end of the path against RK4 with 200 log-SNR steps (within 1e-4 of RK4-1000),
   * at 10, 20 and 40 log-SNR steps: the fitted log-log slope is about -1 for DDIM and about -2
   * for dpm++2m.
   */
  @Test
  void convergesAtSecondOrder() {
    ScoreflowEngine.seed(31);
    for (NoiseProcess p : new NoiseProcess[] {new VpLinear(), new VpCosine()}) {
      GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(p, m);
      try (NDManager run = m.newSubManager()) {
        NDArray x1 = oracle.sampleMarginal(run, 256, p.tMax());
        NDArray ref = new OdeSampler(new FixedStepSolver(FixedStepMethod.RK4), 200, LOGSNR)
            .sample(oracle, p, x1, 1e-3);
        int[] steps = {10, 20, 40};
        double[] lx = new double[steps.length];
        double[] lyDdim = new double[steps.length];
        double[] lyDpm = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
          Sampler ddim = new DdimSampler(steps[i], 0.0, LOGSNR);
          Sampler dpm = new DpmSolverPlusPlus2M(steps[i], LOGSNR, true);
          double eDdim = rms(ddim.sample(oracle, p, x1, 1e-3), ref);
          double eDpm = rms(dpm.sample(oracle, p, x1, 1e-3), ref);
          System.out.printf("%s, %d log-SNR steps: rms error ddim %.3e, dpm++2m %.3e%n",
              p.name(), steps[i], eDdim, eDpm);
          assertTrue(eDpm < eDdim, "dpm++2m must beat DDIM at " + steps[i] + " steps");
          lx[i] = Math.log(steps[i]);
          lyDdim[i] = Math.log(eDdim);
          lyDpm[i] = Math.log(eDpm);
        }
        double sDdim = OdeOracleTest.slope(lx, lyDdim);
        double sDpm = OdeOracleTest.slope(lx, lyDpm);
        System.out.printf("%s: error slope ddim %.2f, dpm++2m %.2f%n", p.name(), sDdim, sDpm);
        assertEquals(-1.0, sDdim, 0.25, p.name() + " DDIM order");
        assertTrue(sDpm < -1.5, p.name() + " dpm++2m slope " + sDpm + ", expected about -2");
        assertTrue(sDpm < sDdim - 0.5, p.name() + " dpm++2m must converge faster than DDIM");
      }
    }
  }

  /**
   * Rectified flow starts where a = 0, so l = log(a/b) = -inf and the first step has h = inf.
   * With a velocity network x0 is finite there and the step is DDIM's limit (order 1 equals DDIM
   * to float32 rounding), and the solver still converges at second order against RK4 with 200
   * steps, since only its first two steps and its last are first order. An eps network, whose x0 = (x - b
   * eps)/a is infinite at a = 0, is refused on one line naming the prediction.
   */
  @Test
  void startsRectifiedFlowWhereTheSignalIsZero() {
    ScoreflowEngine.seed(31);
    NoiseProcess rf = new RectifiedFlow();
    GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(rf, m);
    Denoiser velocity =
        Denoiser.of(oracle.predictor(Prediction.VELOCITY), rf, Prediction.VELOCITY);
    try (NDManager run = m.newSubManager()) {
      NDArray x1 = oracle.sampleMarginal(run, 256, rf.tMax());
      NDArray ref = new OdeSampler(new FixedStepSolver(FixedStepMethod.RK4), 200, UNIFORM)
          .sample(velocity, x1, 1e-3);
      NDArray ddim = new DdimSampler(10, 0.0, UNIFORM).sample(velocity, x1, 1e-3);
      NDArray first = new DpmSolverPlusPlus2M(10, UNIFORM, 1, true).sample(velocity, x1, 1e-3);
      assertEquals(0.0, maxAbs(first.sub(ddim)) / maxAbs(ddim), 1e-4, "order 1 is DDIM");
      // Quadratic t steps: a uniform grid's last step, t = 0.1 -> 1e-3, is 4.7 in l and first
      // order, and it alone makes the error (dpm++2m and DDIM tie at 10 uniform steps).
      int[] steps = {10, 20, 40, 80};
      double[] lx = new double[3];
      double[] ly = new double[3];
      for (int i = 0; i < steps.length; i++) {
        double eDdim = rms(new DdimSampler(steps[i], 0.0, QUADRATIC).sample(velocity, x1, 1e-3),
            ref);
        double eDpm = rms(new DpmSolverPlusPlus2M(steps[i], QUADRATIC, true)
            .sample(velocity, x1, 1e-3), ref);
        // Heun with half the steps: the same number of network evaluations.
        double eHeun = rms(new OdeSampler(new FixedStepSolver(FixedStepMethod.HEUN),
            steps[i] / 2, QUADRATIC).sample(velocity, x1, 1e-3), ref);
        System.out.printf("rectified flow, %d quadratic steps: rms error ddim %.3e, dpm++2m %.3e,"
            + " heun with %d steps %.3e%n", steps[i], eDdim, eDpm, steps[i] / 2, eHeun);
        assertTrue(eDpm < eDdim / 3, "dpm++2m must beat DDIM by far at " + steps[i] + " steps");
        if (i == 0) {
          assertTrue(eDpm < eHeun, "at 10 evaluations dpm++2m beats heun-5: " + eDpm + " vs "
              + eHeun);
        }
        if (i > 0) {
          lx[i - 1] = Math.log(steps[i]);
          ly[i - 1] = Math.log(eDpm);
        }
      }
      double slope = OdeOracleTest.slope(lx, ly);
      System.out.printf("rectified flow: dpm++2m error slope %.2f over 20-80 steps%n", slope);
      assertTrue(slope < -1.5, "dpm++2m slope " + slope + ", expected about -2");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DpmSolverPlusPlus2M(10, UNIFORM, true).check(Denoiser.ofEps(oracle, rf)));
    assertTrue(e.getMessage().contains("--prediction eps"), e.getMessage());
  }

  /**
   * A denoiser whose x0 is linear in l = log(a/b), x0 = A + B l, independent of x, makes the ODE
   * solvable in closed form: x_s = (b_s/b_t) x_t + b_s int_{l_t}^{l_s} e^l (A + B l) dl, i.e.
   * (b_s/b_t) x_t + A (a_s - c) + B ((l_s - 1) a_s - (l_t - 1) c) with c = b_s a_t / b_t. The
   * multistep step extrapolates x0 to l_t + h/2 from the last two values, whatever h_prev is, so
   * its local error is a_s B [(h/2)(1 - e^-h) - (h - 1 + e^-h)] (about -a_s B h^3/12); a
   * first-order step misses the B part of the integral, a_s B (h - 1 + e^-h). Checked step by
   * step on the quadratic grid, whose steps in l differ by large factors (so r = h_prev/h really
   * matters: with r inverted, or any other coefficient off, the step errors differ).
   */
  @Test
  void stepsOnAnUnevenGridMatchTheMultistepFormula() {
    ScoreflowEngine.seed(31);
    NoiseProcess p = new VpLinear();
    double coefA = 0.3;
    double coefB = 0.7;
    NoisePredictor linear = (x, t) -> {
      double x0 = coefA + coefB * -Math.log(p.lambda(t));
      return x.sub(p.a(t) * x0).div(p.b(t));
    };
    int steps = 6;
    double tMin = 1e-3;
    double[] grid = TimeGrid.of(QUADRATIC, p, tMin, steps);
    for (boolean lowerOrderFinal : new boolean[] {false, true}) {
      try (NDManager run = m.newSubManager()) {
        NDArray x1 = run.randomNormal(new Shape(4, 2)).toType(DataType.FLOAT64, false);
        List<double[]> path = new ArrayList<>();
        path.add(x1.toDoubleArray());
        new DpmSolverPlusPlus2M(steps, QUADRATIC, lowerOrderFinal)
            .sample(linear, p, x1, tMin, (t, x) -> path.add(x.toDoubleArray()));
        assertEquals(steps + 1, path.size());
        double hPrev = Double.NaN;
        for (int k = 0; k < steps; k++) {
          double t = grid[k];
          double s = grid[k + 1];
          double lt = -Math.log(p.lambda(t));
          double ls = -Math.log(p.lambda(s));
          double h = ls - lt;
          double as = p.a(s);
          double c = p.b(s) * p.a(t) / p.b(t);
          double exactShift = coefA * (as - c) + coefB * ((ls - 1) * as - (lt - 1) * c);
          boolean firstOrder = k == 0 || (lowerOrderFinal && k == steps - 1);
          double expectedError = firstOrder
              ? -as * coefB * (h - 1 + Math.exp(-h))
              : as * coefB * (h / 2 * -Math.expm1(-h) - (h - 1 + Math.exp(-h)));
          double[] xt = path.get(k);
          double[] xs = path.get(k + 1);
          for (int i = 0; i < xt.length; i++) {
            double exact = p.b(s) / p.b(t) * xt[i] + exactShift;
            assertEquals(expectedError, xs[i] - exact, 1e-10, "step " + k + " (h " + h
                + ", h_prev " + hPrev + ", lower-order-final " + lowerOrderFinal + ")");
          }
          if (k > 0) {
            System.out.printf("step %d: h %.3f, r = h_prev/h %.3f, local error %.2e%n", k, h,
                hPrev / h, expectedError);
          }
          hPrev = h;
        }
      }
    }
  }

  /** One network call per step, and only x, the previous x0 and the input live between steps. */
  @Test
  void oneCallPerStepAndFlatMemory() {
    ScoreflowEngine.seed(31);
    NoiseProcess p = new VpLinear();
    GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(p, m);
    CountingPredictor eps = new CountingPredictor(oracle);
    try (NDManager run = m.newSubManager()) {
      NDArray x1 = run.randomNormal(new Shape(100, 2));
      int before = run.getManagedArrays().size();
      List<Integer> live = new ArrayList<>();
      NDArray out = new DpmSolverPlusPlus2M(30, LOGSNR, true)
          .sample(eps, p, x1, 1e-3, (t, x) -> live.add(run.getManagedArrays().size()));
      assertEquals(30, eps.calls());
      assertEquals(30, live.size());
      for (int n : live) {
        assertEquals(before + 2, n, "live arrays per step " + live); // x and the previous x0
      }
      assertEquals(before + 1, run.getManagedArrays().size(), "only the result survives");
      assertTrue(out.getManager() == run);
    }
  }

  /** The best DDIM-50 ratio (uniform or quadratic spacing) on VP linear, computed once. */
  static double ddim50Best() {
    if (Double.isNaN(ddim50Best)) {
      double uniform = pairedRatio(new DdimSampler(50, 0.0, UNIFORM));
      double quadratic = pairedRatio(new DdimSampler(50, 0.0, QUADRATIC));
      ddim50Best = Math.min(uniform, quadratic);
    }
    return ddim50Best;
  }

  static double pairedRatio(Sampler sampler) {
    ScoreflowEngine.seed(PAIRED_SEED);
    return OracleSamplerTest.ratio(sampler, new VpLinear());
  }

  /** At 10 NFE on the same grid, dpm++2m is far closer to the data than DDIM. */
  @Test
  void tenStepsBeatDdimTenSteps() {
    for (TimeGrid.Spacing spacing : new TimeGrid.Spacing[] {LOGSNR, QUADRATIC}) {
      double ddim = pairedRatio(new DdimSampler(10, 0.0, spacing));
      double dpm = pairedRatio(new DpmSolverPlusPlus2M(10, spacing, true));
      assertTrue(dpm - 1 < 0.8 * (ddim - 1), spacing + ": dpm++2m-10 ratio " + dpm
          + " should be well below DDIM-10's " + ddim);
    }
  }

  /**
   * 10 NFE of dpm++2m reach the best DDIM-50 when the path ends at t = 0.02 instead of 1e-3: the
   * last steps of a 10-step grid into t = 1e-3 cross the stiff region near the narrow modes in
   * a few large jumps. DDIM-10 gains nothing from the later end (about 1.5-1.7 for every end
   * time), and DDIM-50 itself does not improve with it, so this is the solver's doing.
   */
  @Test
  void tenStepsMatchDdimFiftyWithALaterEnd() {
    double ddim = ddim50Best();
    Sampler dpm10 = new DpmSolverPlusPlus2M(10, QUADRATIC, true);
    double dpm = pairedRatio(endingAt(dpm10, 0.02));
    double ddim10 = pairedRatio(endingAt(new DdimSampler(10, 0.0, QUADRATIC), 0.02));
    double ddim50Late = pairedRatio(endingAt(new DdimSampler(50, 0.0, QUADRATIC), 0.02));
    System.out.printf("ending at t = 0.02: dpm++2m-10 ratio %.3f, DDIM-10 %.3f, DDIM-50 %.3f;"
        + " best DDIM-50 (t = 1e-3) %.3f%n", dpm, ddim10, ddim50Late, ddim);
    assertTrue(dpm <= ddim + 0.01, "dpm++2m-10 ending at 0.02: ratio " + dpm + " vs DDIM-50 " + ddim);
    assertTrue(ddim10 > ddim + 0.3, "DDIM-10 ending at 0.02 should stay far off: " + ddim10);
    assertTrue(ddim50Late >= ddim - 0.01, "DDIM-50 should not gain from the later end: " + ddim50Late);
  }

  /** The sampler, run to {@code tEnd} whatever end time the caller passes. */
  static Sampler endingAt(Sampler inner, double tEnd) {
    return new Sampler() {
      @Override
      public String describe() {
        return inner.describe() + " to t=" + tEnd;
      }

      @Override
      public void check(NoiseProcess p) {
        inner.check(p);
      }

      @Override
      public NDArray sample(Denoiser d, NDArray x, double tMin, StepObserver observer) {
        return inner.sample(d, x, tEnd, observer);
      }
    };
  }

  /** 15 NFE of dpm++2m (quadratic grid) match the best DDIM-50. */
  @Test
  void fifteenStepsMatchDdimFifty() {
    double ddim = ddim50Best();
    double dpm = pairedRatio(new DpmSolverPlusPlus2M(15, QUADRATIC, true));
    System.out.printf("dpm++2m-15 (quadratic) ratio %.3f vs best DDIM-50 %.3f%n", dpm, ddim);
    assertTrue(dpm <= ddim, "dpm++2m-15 ratio " + dpm + " vs DDIM-50 " + ddim);
  }
}
