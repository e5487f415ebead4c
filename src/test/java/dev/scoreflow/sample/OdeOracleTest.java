package dev.scoreflow.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.ode.FixedStepMethod;
import dev.scoreflow.sample.ode.FixedStepSolver;
import dev.scoreflow.sample.ode.OdeSolver;
import dev.scoreflow.sample.ode.ProbabilityFlow;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.VpLinear;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pathwise checks of the probability-flow ODE solvers with the exact gmm8 score (docs/theory.md, "Oracles for tests"). */
class OdeOracleTest {
  static NDManager m;
  static final NoiseProcess VP = new VpLinear();
  static GaussianMixtureOracle oracle;

  @BeforeAll
  static void setUp() {
    m = TestEngine.manager(21);
    oracle = GaussianMixtureOracle.gmm8(VP, m);
  }

  @AfterAll
  static void tearDown() {
    m.close();
  }

  static double maxAbs(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }

  /** DDIM (eta = 0) is Euler on the ODE, so at 1000 steps it converges to the rk45 solution. */
  @Test
  void ddim1000MatchesRk45() {
    try (NDManager run = m.newSubManager()) {
      NDArray x1 = oracle.sampleMarginal(run, 1000, 1.0);
      NDArray ddim = new DdimSampler(1000, 0.0, TimeGrid.Spacing.QUADRATIC).sample(oracle, VP, x1, 1e-3);
      NDArray ode = new OdeSampler(OdeSolver.byName("rk45", 1e-6, 1e-6), 1, TimeGrid.Spacing.UNIFORM)
          .sample(oracle, VP, x1, 1e-3);
      double d = maxAbs(ddim, ode);
      System.out.println("DDIM-1000 vs rk45 max |dx| = " + d);
      assertTrue(d < 1e-2, "max |DDIM-1000 - rk45| = " + d);
      // and with 20 steps it is clearly worse, so the comparison can fail
      NDArray coarse = new DdimSampler(20, 0.0, TimeGrid.Spacing.QUADRATIC).sample(oracle, VP, x1, 1e-3);
      assertTrue(maxAbs(coarse, ode) > 5 * d);
    }
  }

  /** One DDIM (eta = 0) step equals one Euler step of dy/dlambda = eps. */
  @Test
  void ddimIsEulerInLambda() {
    try (NDManager run = m.newSubManager()) {
      NDArray x1 = oracle.sampleMarginal(run, 500, 1.0);
      NDArray ddim = new DdimSampler(7, 0.0, TimeGrid.Spacing.UNIFORM).sample(oracle, VP, x1, 1e-3);
      NDArray euler = new OdeSampler(new FixedStepSolver(FixedStepMethod.EULER), 7,
          TimeGrid.Spacing.UNIFORM).sample(oracle, VP, x1, 1e-3);
      assertEquals(0.0, maxAbs(ddim, euler) / (1 + euler.abs().max().getFloat()), 1e-4);
    }
  }

  /** Data -> noise -> data along the ODE returns the start. */
  @Test
  void roundTripReturnsTheStart() {
    try (NDManager run = m.newSubManager()) {
      NDArray x0 = oracle.sampleMarginal(run, 1000, 1e-3);
      ProbabilityFlow flow = new ProbabilityFlow(Denoiser.ofEps(oracle, VP));
      OdeSolver solver = OdeSolver.byName("rk45", 1e-6, 1e-6);
      NDArray noise = flow.transport(solver, x0, new double[] {1e-3, 1.0}, OdeSolver.Observer.NONE);
      NDArray back = flow.transport(solver, noise, new double[] {1.0, 1e-3}, OdeSolver.Observer.NONE);
      double d = maxAbs(back, x0);
      System.out.println("round trip max |dx| = " + d);
      assertTrue(d < 1e-2, "round trip error " + d);
      // the noise end really is noise: unit variance per coordinate
      double var = noise.square().mean().getFloat();
      assertEquals(1.0, var, 0.1);
    }
  }

  /** Euler, Heun and RK4 errors shrink at their orders: fitted log-log slope ~ -order. */
  @Test
  void fixedStepSolversConvergeAtTheirOrder() {
    try (NDManager run = m.newSubManager()) {
      NDArray x1 = oracle.sampleMarginal(run, 500, 1.0);
      // A smooth stretch of the path: t from 1 to 0.2 (near t = 0 the mixture's score is stiff).
      double t0 = 1.0;
      double t1 = 0.2;
      ProbabilityFlow flow = new ProbabilityFlow(Denoiser.ofEps(oracle, VP));
      NDArray ref = flow.transport(new FixedStepSolver(FixedStepMethod.RK4), x1, grid(t0, t1, 2000),
          OdeSolver.Observer.NONE);
      for (FixedStepMethod method : FixedStepMethod.values()) {
        int[] steps = method == FixedStepMethod.EULER ? new int[] {20, 40, 80, 160}
            : method == FixedStepMethod.HEUN ? new int[] {10, 20, 40, 80} : new int[] {5, 10, 20, 40};
        double[] lx = new double[steps.length];
        double[] ly = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
          NDArray x = flow.transport(new FixedStepSolver(method), x1, grid(t0, t1, steps[i]),
              OdeSolver.Observer.NONE);
          lx[i] = Math.log(steps[i]);
          ly[i] = Math.log(x.sub(ref).square().mean().sqrt().getFloat());
        }
        double slope = slope(lx, ly);
        System.out.printf("%s: slope %.2f%n", method, slope);
        assertEquals(-method.order(), slope, 0.35, method + " convergence order");
      }
    }
  }

  /** Time grid uniform in log lambda between t0 and t1: the path is smooth in that variable. */
  static double[] grid(double t0, double t1, int n) {
    double l0 = Math.log(VP.lambda(t0));
    double l1 = Math.log(VP.lambda(t1));
    double[] g = new double[n + 1];
    for (int k = 0; k <= n; k++) {
      g[k] = VP.tOfLambda(Math.exp(l0 + (l1 - l0) * k / n));
    }
    g[0] = t0;
    g[n] = t1;
    return g;
  }

  static double slope(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / y.length;
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < x.length; i++) {
      num += (x[i] - mx) * (y[i] - my);
      den += (x[i] - mx) * (x[i] - mx);
    }
    return num / den;
  }
}
