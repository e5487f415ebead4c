package dev.scoreflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** f, g^2, lambda and its inverse against their definitions (THEORY.md, "SDE view"). */
class NoiseProcessTest {
  static final List<NoiseProcess> ALL =
      List.of(new VpLinear(), new VpCosine(), new Ve(), new Ve(0.01, 50), new DiscreteVp());

  // Off the discrete schedule's grid points i/1000, where its f jumps.
  static final double[] TIMES = {0.0135, 0.1005, 0.2575, 0.5005, 0.7315, 0.9005, 0.9805};

  @Test
  void fIsTheLogDerivativeOfA() {
    for (NoiseProcess p : ALL) {
      for (double t : TIMES) {
        double h = 1e-6;
        double fd = (Math.log(p.a(t + h)) - Math.log(p.a(t - h))) / (2 * h);
        assertEquals(fd, p.f(t), 1e-4 * (1 + Math.abs(fd)), p.name() + " f at t=" + t);
      }
    }
  }

  @Test
  void g2MatchesDerivativeOfNoiseVariance() {
    for (NoiseProcess p : ALL) {
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
  void variancePreservingProcessesKeepUnitVariance() {
    for (NoiseProcess p : List.of(new VpLinear(), new VpCosine(), new DiscreteVp())) {
      for (double t : TIMES) {
        assertEquals(1.0, sq(p.a(t)) + sq(p.b(t)), 1e-12, p.name());
      }
      assertEquals(1.0, p.a(0), 1e-12, p.name() + " a(0)");
    }
  }

  @Test
  void lambdaInverts() {
    for (NoiseProcess p : ALL) {
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
    assertTrue(e.getMessage().contains("--schedule"));
  }

  static double sq(double x) {
    return x * x;
  }
}
