package dev.scoreflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * f, g^2, a', b', lambda and its inverse against their definitions (docs/theory.md, "SDE view").
 */
class NoiseProcessTest {
  static final List<GaussianProcess> ALL = List.of(new VpLinear(), new VpCosine(), new Ve(),
      new Ve(0.01, 50), new DiscreteVp(), new RectifiedFlow());

  // Off the discrete schedule's grid points i/1000, where its f jumps.
  static final double[] TIMES = {0.0135, 0.1005, 0.2575, 0.5005, 0.7315, 0.9005, 0.9805};

  @Test
  void fIsTheLogDerivativeOfA() {
    for (GaussianProcess p : ALL) {
      for (double t : TIMES) {
        double h = 1e-6;
        double fd = (Math.log(p.a(t + h)) - Math.log(p.a(t - h))) / (2 * h);
        assertEquals(fd, p.f(t), 1e-4 * (1 + Math.abs(fd)), p.name() + " f at t=" + t);
      }
    }
  }

  @Test
  void g2MatchesDerivativeOfNoiseVariance() {
    for (GaussianProcess p : ALL) {
      for (double t : TIMES) {
        double h = 1e-6;
        double b = p.b(t);
        double db2 = (sq(p.b(t + h)) - sq(p.b(t - h))) / (2 * h);
        double expected = db2 - 2 * p.f(t) * b * b;
        assertEquals(expected, p.g2(t), 1e-4 * (1 + Math.abs(expected)), p.name() + " g2 at t=" + t);
      }
    }
  }

  @Test
  void aDotAndBDotAreDerivatives() {
    List<NoiseProcess> all = new java.util.ArrayList<>(ALL);
    all.add(new GaussianKernel(new Ve()));
    for (NoiseProcess p : all) {
      for (double t : TIMES) {
        double h = 1e-6;
        double da = (p.a(t + h) - p.a(t - h)) / (2 * h);
        double db = (p.b(t + h) - p.b(t - h)) / (2 * h);
        assertEquals(da, p.aDot(t), 1e-4 * (1 + Math.abs(da)), p.name() + " a' at t=" + t);
        assertEquals(db, p.bDot(t), 1e-4 * (1 + Math.abs(db)), p.name() + " b' at t=" + t);
      }
    }
  }

  @Test
  void rectifiedFlowIsTheStraightLine() {
    RectifiedFlow rf = new RectifiedFlow();
    for (double t : TIMES) {
      assertEquals(1 - t, rf.a(t), 1e-15);
      assertEquals(t, rf.b(t), 1e-15);
    }
    assertEquals(1.0, rf.tMax());
    assertEquals(0.0, rf.a(rf.tMax()));
    assertEquals(1.0, rf.priorStd(), "the prior N(0, I) is reached exactly at t = 1");
    assertEquals(Prediction.VELOCITY, rf.defaultPrediction());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Prediction.resolve("eps", rf));
    assertTrue(e.getMessage().contains("--prediction") && e.getMessage().contains("--process"));
    assertEquals(Prediction.EPS, Prediction.resolve(null, new VpLinear()), "old runs stay eps");
    assertEquals(Prediction.EDM, Prediction.resolve(null, new GaussianKernel(new Ve())));
  }

  /** x = a x0 + b n and v = a' x0 + b' n: every prediction's n_hat and x0_hat give them back. */
  @Test
  void predictionConversionsInvertEachOther() {
    for (GaussianProcess p : ALL) {
      for (double t : TIMES) {
        double a = p.a(t);
        double b = p.b(t);
        double ad = p.aDot(t);
        double bd = p.bDot(t);
        double x0 = 0.7;
        double n = -1.3;
        double x = a * x0 + b * n;
        Prediction.At at = Prediction.At.of(p, t, 1.3);
        // EDM's F from its definition x0 = c_skip x / a + c_out F
        Prediction.Affine edm = Prediction.EDM.x0Of(at);
        double[] raw = {n, x0, ad * x0 + bd * n, (x0 - edm.x() * x) / edm.p()};
        for (Prediction pr : Prediction.values()) {
          double r = raw[pr.ordinal()];
          Prediction.Affine e = pr.epsOf(at);
          Prediction.Affine d = pr.x0Of(at);
          assertEquals(n, e.x() * x + e.p() * r, 1e-8 * (1 + Math.abs(e.x() * x)),
              p.name() + " " + pr.id() + " n_hat at t=" + t);
          assertEquals(x0, d.x() * x + d.p() * r, 1e-8 * (1 + Math.abs(d.x() * x)),
              p.name() + " " + pr.id() + " x0_hat at t=" + t);
        }
      }
    }
  }

  @Test
  void variancePreservingProcessesKeepUnitVariance() {
    for (GaussianProcess p : List.of(new VpLinear(), new VpCosine(), new DiscreteVp())) {
      for (double t : TIMES) {
        assertEquals(1.0, sq(p.a(t)) + sq(p.b(t)), 1e-12, p.name());
      }
      assertEquals(1.0, p.a(0), 1e-12, p.name() + " a(0)");
    }
  }

  @Test
  void lambdaInverts() {
    for (GaussianProcess p : ALL) {
      for (double t : TIMES) {
        assertEquals(t, p.tOfLambda(p.lambda(t)), 1e-9, p.name() + " t(lambda(t))");
      }
      assertTrue(p.lambda(0.2) < p.lambda(0.8), p.name() + " lambda increases");
    }
  }

  @Test
  void discreteScheduleIsDdpms() {
    DiscreteVp d = new DiscreteVp();
    assertEquals(1000, d.steps());
    assertEquals(1e-4, d.beta(1), 1e-15);
    assertEquals(0.02, d.beta(1000), 1e-15);
    // a_i^2 = prod (1 - beta_j): check at i = 3 and compare with the continuous VP at the end
    double prod = (1 - d.beta(1)) * (1 - d.beta(2)) * (1 - d.beta(3));
    assertEquals(prod, sq(d.a(3 / 1000.0)), 1e-12);
    assertEquals(new VpLinear().a(1.0), d.a(1.0), 5e-4);
  }

  @Test
  void badParametersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new VpLinear(5, 1));
    assertThrows(IllegalArgumentException.class, () -> new Ve(0, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NoiseProcesses.byName("nope", 10));
    assertTrue(e.getMessage().contains("--process"));
    assertTrue(NoiseProcesses.byName("rectified-flow", 10) instanceof RectifiedFlow);
  }

  static double sq(double x) {
    return x * x;
  }
}
