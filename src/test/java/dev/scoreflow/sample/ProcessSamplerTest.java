package dev.scoreflow.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.eval.OdeLikelihood;
import dev.scoreflow.eval.SlicedWasserstein;
import dev.scoreflow.oracle.FiniteDataOracle;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.ode.FixedStepMethod;
import dev.scoreflow.sample.ode.FixedStepSolver;
import dev.scoreflow.sample.ode.OdeSolver;
import dev.scoreflow.schedule.GaussianKernel;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.schedule.RectifiedFlow;
import dev.scoreflow.schedule.Ve;
import dev.scoreflow.schedule.VpLinear;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The process abstraction with exact oracles (docs/theory.md, "Processes"): rectified flow
 * sampled from t = 1 reaches the data; eps, x0 and velocity networks that agree give the same
 * samples; a kernel process runs on the ODE sampler with every solver (and equals VE when its
 * law is Gaussian) while the Gaussian-only samplers refuse it.
 */
class ProcessSamplerTest {
  static final int N = 2000;
  static final int REPS = 6;
  static final double T_MIN = 1e-3;
  static NDManager m;
  static SlicedWasserstein sw;
  static double floor;

  @BeforeAll
  static void setUp() {
    m = TestEngine.manager(21);
    sw = new SlicedWasserstein(m, 2, 64, 5);
    floor = Gmm8Floor.mean(m, sw, N, 16 * REPS); // the floor is cheap: no sampler
  }

  @AfterAll
  static void tearDown() {
    m.close();
  }

  /** Mean SW1 to fresh gmm8 data over REPS runs from the process's own prior, over the floor. */
  static double ratio(Sampler sampler, Denoiser d) {
    GaussianMixtureOracle data = GaussianMixtureOracle.gmm8(new VpLinear(), m);
    double dist = 0;
    for (int r = 0; r < REPS; r++) {
      try (NDManager run = m.newSubManager()) {
        NDArray x1 = d.process().samplePrior(run, new Shape(N, 2));
        NDArray x0 = sampler.sample(d, x1, T_MIN);
        dist += sw.distance(x0, data.sampleData(run, N)) / REPS;
      }
    }
    double ratio = dist / floor;
    System.out.printf("%s on %s (%s): SW1 %.4f, floor %.4f, ratio %.3f%n", sampler.describe(),
        d.process().name(), d.prediction().id(), dist, floor, ratio);
    return ratio;
  }

  static Denoiser rectifiedFlow(Prediction prediction) {
    RectifiedFlow rf = new RectifiedFlow();
    return Denoiser.of(GaussianMixtureOracle.gmm8(rf, m).predictor(prediction), rf, prediction);
  }

  /**
   * Rectified flow starts at t = 1 from its exact prior N(0, I) (a(1) = 0): Euler in t, its
   * standard sampler, and Heun land within 1.2x of the floor; so does DDIM, written in x0_hat.
   */
  @Test
  void rectifiedFlowReachesTheData() {
    Denoiser v = rectifiedFlow(Prediction.VELOCITY);
    double euler = ratio(new OdeSampler(new FixedStepSolver(FixedStepMethod.EULER), 100,
        TimeGrid.Spacing.UNIFORM), v);
    double heun = ratio(new OdeSampler(new FixedStepSolver(FixedStepMethod.HEUN), 30,
        TimeGrid.Spacing.UNIFORM), v);
    double ddim = ratio(new DdimSampler(50, 0.0, TimeGrid.Spacing.UNIFORM), v);
    double dpm = ratio(new DpmSolverPlusPlus2M(20, TimeGrid.Spacing.QUADRATIC, true), v);
    assertTrue(euler < 1.2, "rectified flow, ode euler-100: ratio " + euler);
    assertTrue(dpm < 1.2, "rectified flow, dpm++2m-20 quadratic: ratio " + dpm);
    assertTrue(heun < 1.2, "rectified flow, ode heun-30: ratio " + heun);
    assertTrue(ddim < 1.2, "rectified flow, ddim-50: ratio " + ddim);
    // and too few Euler steps are measurably off: the test can fail
    double coarse = ratio(new OdeSampler(new FixedStepSolver(FixedStepMethod.EULER), 2,
        TimeGrid.Spacing.UNIFORM), v);
    assertTrue(coarse > 1.5, "rectified flow, ode euler-2 should be far off: ratio " + coarse);
  }

  /**
   * The samplers that divide by a(t) at the start refuse rectified flow, and so do the grids
   * spaced in b/a, in the sampler's check, before any work. DPM-Solver++ starts it from a
   * velocity network but not from an eps one, whose x0 is infinite at a = 0.
   */
  @Test
  void samplersThatNeedSignalAtTheStartRefuseRectifiedFlow() {
    Denoiser v = rectifiedFlow(Prediction.VELOCITY);
    for (String name : List.of("ddpm", "sde")) {
      Sampler s = Samplers.create(name, new Samplers.Settings());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> s.check(v), name);
      assertTrue(e.getMessage().contains("--sampler " + name)
          && e.getMessage().contains("--process rectified-flow"), e.getMessage());
    }
    Sampler dpm = Samplers.create("dpm++2m", new Samplers.Settings());
    dpm.check(v);
    IllegalArgumentException eps = assertThrows(IllegalArgumentException.class,
        () -> dpm.check(Denoiser.ofEps(GaussianMixtureOracle.gmm8(v.process(), m), v.process())));
    assertTrue(eps.getMessage().contains("--prediction eps"), eps.getMessage());
    for (String name : List.of("ode", "ddim", "dpm++2m")) {
      Samplers.Settings karras = new Samplers.Settings();
      karras.spacing = TimeGrid.Spacing.KARRAS;
      karras.solver = "euler";
      Sampler s = Samplers.create(name, karras);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> s.check(v), name);
      assertTrue(e.getMessage().contains("--spacing karras"), e.getMessage());
      try (NDManager run = m.newSubManager()) {
        NDArray x1 = v.process().samplePrior(run, new Shape(4, 2));
        assertThrows(IllegalArgumentException.class, () -> s.sample(v, x1, T_MIN), name);
      }
    }
  }

  /**
   * The same exact oracle asked in eps, x0 and velocity form: after the conversion layer every
   * sampler sees the same numbers, so the samples agree to float tolerance.
   */
  @Test
  void parameterisationsGiveTheSameSamples() {
    VpLinear vp = new VpLinear();
    RectifiedFlow rf = new RectifiedFlow();
    List<Sampler> samplers = List.of(
        new OdeSampler(new FixedStepSolver(FixedStepMethod.HEUN), 20, TimeGrid.Spacing.UNIFORM),
        new OdeSampler(new FixedStepSolver(FixedStepMethod.EULER), 20, TimeGrid.Spacing.QUADRATIC),
        new DdimSampler(20, 0.0, TimeGrid.Spacing.UNIFORM),
        new DpmSolverPlusPlus2M(15, TimeGrid.Spacing.LOGSNR, true),
        new SdeSampler(20, 0.0, TimeGrid.Spacing.UNIFORM));
    for (NoiseProcess p : List.of(vp, rf)) {
      GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(p, m);
      for (Sampler s : samplers) {
        try {
          s.check(Denoiser.of(oracle.predictor(Prediction.VELOCITY), p, Prediction.VELOCITY));
        } catch (IllegalArgumentException refused) {
          continue; // sde, and dpm++2m's logsnr grid, on rectified flow
        }
        try (NDManager run = m.newSubManager()) {
          NDArray x1 = p.samplePrior(run, new Shape(300, 2));
          NDArray reference = null;
          for (Prediction pr : Prediction.values()) {
            if (p == rf && (pr == Prediction.EPS || pr == Prediction.EDM)) {
              continue; // refused: x0 cannot be read off eps or edm at a = 0
            }
            NDArray x0 = s.sample(Denoiser.of(oracle.predictor(pr), p, pr), x1, T_MIN);
            if (reference == null) {
              reference = x0;
              continue;
            }
            double diff = reference.sub(x0).abs().max().getFloat();
            System.out.printf("%s on %s, %s vs the first: max |dx| %.2e%n", s.describe(),
                p.name(), pr.id(), diff);
            assertTrue(diff < 2e-3, s.describe() + " on " + p.name() + ", " + pr.id()
                + ": max |dx| " + diff);
          }
        }
      }
    }
  }

  /**
   * A kernel process with rho = N(0, I) and VE's scale is VE seen as a kernel: the ODE sampler
   * with every solver gives VE's samples (x0 prediction against VE's eps, both exact for the
   * same finite data), and the Gaussian-only samplers refuse it with one line.
   */
  @Test
  void kernelProcessRunsOnTheOdeAndMatchesVe() {
    Ve ve = new Ve(0.01, 10.0);
    GaussianKernel kernel = new GaussianKernel(ve);
    try (NDManager run = m.newSubManager()) {
      NDArray points = GaussianMixtureOracle.gmm8(ve, run).sampleData(run, 64);
      Denoiser onVe = Denoiser.ofEps(new FiniteDataOracle(ve, points), ve);
      Denoiser onKernel = Denoiser.of(new FiniteDataOracle(kernel, points).predictor(Prediction.X0),
          kernel, Prediction.X0);
      ScoreflowEngine.seed(5);
      NDArray x1 = kernel.samplePrior(run, new Shape(200, 2));
      ScoreflowEngine.seed(5);
      NDArray x1Ve = ve.samplePrior(run, new Shape(200, 2));
      assertEquals(0.0, x1.sub(x1Ve).abs().max().getFloat(), 1e-6, "the same prior draw");
      for (String solver : List.of("euler", "heun", "rk4", "rk45")) {
        Sampler s = new OdeSampler(OdeSolver.byName(solver, 1e-4, 1e-4), 30,
            TimeGrid.Spacing.LOGSNR);
        s.check(kernel);
        NDArray a = s.sample(onKernel, x1, 0.02);
        NDArray b = s.sample(onVe, x1, 0.02);
        double diff = a.sub(b).abs().max().getFloat();
        System.out.printf("kernel vs ve, ode %s: max |dx| %.2e%n", solver, diff);
        // Fixed steps: the same arithmetic up to rounding. rk45 picks its steps from error
        // estimates, so rounding may change a step: equal up to its tolerance.
        double tol = solver.equals("rk45") ? 0.05 : 1e-3;
        assertTrue(diff < tol, "ode " + solver + ": kernel and VE differ by " + diff);
        assertTrue(a.isNaN().any().getBoolean() == false, "ode " + solver + " NaN");
      }
      // The kernel's drift (s'/s)(x - x0_hat) is the denoiser's velocity a' x0_hat + b' n_hat.
      for (double t : new double[] {0.05, 0.5, 1.0}) {
        NDArray x0hat = onKernel.at(x1, t).raw();
        double gap = kernel.drift(x1, x0hat, t).sub(onKernel.at(x1, t).velocity()).abs().max()
            .getFloat();
        assertTrue(gap < 1e-3 * (1 + kernel.sDot(t)), "drift vs velocity at t=" + t + ": " + gap);
      }
      // The prior density through the process: the kernel's equals VE's N(0, smax^2 I).
      double pk = kernel.priorLogDensity(x1).sum().getFloat();
      double pv = ve.priorLogDensity(x1).sum().getFloat();
      assertEquals(pv, pk, 1e-3 * Math.abs(pv), "prior log density");
      // The likelihood goes through the process: the same numbers for the kernel as for VE.
      NDArray x = points.get("0:8");
      double[] lk = new OdeLikelihood(onKernel, 0.05, 1e-4, 1e-4,
          OdeLikelihood.Divergence.EXACT).evaluate(x).logp;
      double[] lv = new OdeLikelihood(onVe, 0.05, 1e-4, 1e-4,
          OdeLikelihood.Divergence.EXACT).evaluate(x).logp;
      for (int i = 0; i < lk.length; i++) {
        assertEquals(lv[i], lk[i], 0.02, "log p at point " + i);
      }
    }
    for (String name : List.of("ddpm", "ddim", "sde", "dpm++2m")) {
      Sampler s = Samplers.create(name, new Samplers.Settings());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> s.check(kernel), name);
      assertTrue(e.getMessage().contains("--sampler " + name)
          && e.getMessage().contains("--process gaussian-kernel")
          && !e.getMessage().contains("\n"), e.getMessage());
      try (NDManager run = m.newSubManager()) {
        NDArray x1 = kernel.samplePrior(run, new Shape(4, 2));
        Denoiser d = Denoiser.of((x, t) -> x, kernel, Prediction.X0);
        assertThrows(IllegalArgumentException.class, () -> s.sample(d, x1, T_MIN), name);
      }
    }
  }

  /** Rectified flow with the finite-data oracle carries its prior onto the training points. */
  @Test
  void rectifiedFlowMemorisesAFiniteDataSet() {
    RectifiedFlow rf = new RectifiedFlow();
    try (NDManager run = m.newSubManager()) {
      NDArray points = run.randomNormal(new Shape(10, 2));
      Denoiser d = Denoiser.of(new FiniteDataOracle(rf, points).predictor(Prediction.VELOCITY),
          rf, Prediction.VELOCITY);
      NDArray x0 = new OdeSampler(new FixedStepSolver(FixedStepMethod.HEUN), 50,
          TimeGrid.Spacing.UNIFORM).sample(d, rf.samplePrior(run, new Shape(200, 2)), T_MIN);
      NDArray nearest = x0.expandDims(1).sub(points.expandDims(0)).square().sum(new int[] {2})
          .min(new int[] {1}).sqrt();
      double worst = nearest.max().getFloat();
      System.out.printf("rectified flow, finite data: worst distance to a training point %.2e%n",
          worst);
      assertTrue(worst < 0.01, "samples should land on the training points: " + worst);
    }
  }
}
