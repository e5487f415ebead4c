package dev.scoreflow.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.ode.DormandPrince45;
import dev.scoreflow.schedule.VpLinear;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings every sampler must honour: the --spacing grid (DDPM too) and rk45's step counts. */
class SamplerSettingsTest {
  @Test
  void everyGridSamplerStepsThroughTheChosenSpacing() {
    VpLinear vp = new VpLinear();
    try (NDManager m = TestEngine.manager(1)) {
      GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(vp, m);
      for (String name : List.of("ddpm", "ddim", "sde", "dpm++2m", "ode")) {
        for (TimeGrid.Spacing spacing : TimeGrid.Spacing.values()) {
          Samplers.Settings s = new Samplers.Settings();
          s.steps = 7;
          s.spacing = spacing;
          s.solver = "euler";
          List<Double> seen = new ArrayList<>();
          try (NDManager run = m.newSubManager()) {
            Samplers.create(name, s).sample(oracle, vp, run.randomNormal(new Shape(4, 2)), 1e-3,
                (t, x) -> seen.add(t));
          }
          double[] want = TimeGrid.of(spacing, vp, 1e-3, 7);
          double[] got = seen.stream().mapToDouble(Double::doubleValue).toArray();
          assertArrayEquals(java.util.Arrays.copyOfRange(want, 1, want.length), got, 1e-9,
              name + " with " + spacing);
        }
      }
    }
  }

  @Test
  void rk45CountsEverySolveNotJustTheLast() {
    VpLinear vp = new VpLinear();
    try (NDManager m = TestEngine.manager(2)) {
      GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(vp, m);
      Samplers.Settings s = new Samplers.Settings();
      s.solver = "rk45";
      s.rtol = 1e-3;
      s.atol = 1e-3;
      OdeSampler ode = (OdeSampler) Samplers.create("ode", s);
      DormandPrince45 dp = (DormandPrince45) ode.solver();
      long accepted = 0;
      for (int i = 0; i < 3; i++) {
        try (NDManager run = m.newSubManager()) {
          ode.sample(oracle, vp, run.randomNormal(new Shape(50, 2)), 1e-3);
        }
        accepted += dp.acceptedSteps();
      }
      assertEquals(3, dp.solves());
      assertEquals(accepted, dp.totalAcceptedSteps());
      assertTrue(ode.describe().contains("accepted=" + accepted + ",")
          && ode.describe().contains("in 3 solves"), ode.describe());
    }
  }
}
