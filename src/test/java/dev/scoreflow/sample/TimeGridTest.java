package dev.scoreflow.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scoreflow.schedule.DiscreteVp;
import dev.scoreflow.schedule.GaussianKernel;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.RectifiedFlow;
import dev.scoreflow.schedule.Ve;
import dev.scoreflow.schedule.VpCosine;
import dev.scoreflow.schedule.VpLinear;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Karras grid (docs/theory.md, "Time grids"): exact ends, decreasing, even in sigma^(1/7). */
class TimeGridTest {
  @Test
  void karrasGridIsEvenInTheSeventhRootOfTheNoiseScale() {
    for (NoiseProcess p : List.of(new VpLinear(), new VpCosine(), new Ve(), new DiscreteVp(),
        new GaussianKernel(new Ve(0.02, 20)))) {
      for (int n : new int[] {1, 5, 18}) {
        double tMin = 2e-3;
        double[] t = TimeGrid.of(TimeGrid.Spacing.KARRAS, p, tMin, n);
        assertEquals(n + 1, t.length);
        assertEquals(p.tMax(), t[0], 0.0, p.name() + " starts at tMax");
        assertEquals(tMin, t[n], 0.0, p.name() + " ends at tMin");
        double hi = Math.pow(p.lambda(p.tMax()), 1 / 7.0);
        double lo = Math.pow(p.lambda(tMin), 1 / 7.0);
        for (int k = 0; k <= n; k++) {
          if (k > 0) {
            assertTrue(t[k] < t[k - 1], p.name() + " decreasing at " + k);
          }
          // sigma_k = (hi + k/n (lo - hi))^7, sigma = b/a
          double want = Math.pow(hi + (double) k / n * (lo - hi), 7);
          assertEquals(want, p.lambda(t[k]), 1e-6 * want, p.name() + " sigma at step " + k);
        }
      }
    }
    // logsnr is the limit rho -> infinity; rho = 7 spends less of the grid at tiny noise: a
    // shorter first step and a longer last one.
    double[] k = TimeGrid.of(TimeGrid.Spacing.KARRAS, new Ve(), 1e-3, 10);
    double[] l = TimeGrid.of(TimeGrid.Spacing.LOGSNR, new Ve(), 1e-3, 10);
    assertTrue(k[1] > l[1], "karras takes a shorter first step than logsnr");
    assertTrue(k[9] > l[9], "karras takes a longer last step than logsnr");
  }

  @Test
  void noiseScaleSpacingsRefuseAnInfiniteNoiseScale() {
    for (TimeGrid.Spacing s : List.of(TimeGrid.Spacing.KARRAS, TimeGrid.Spacing.LOGSNR)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TimeGrid.of(s, new RectifiedFlow(), 1e-3, 10));
      assertTrue(e.getMessage().contains("--spacing " + s.id())
          && e.getMessage().contains("rectified-flow"), e.getMessage());
    }
    assertEquals(TimeGrid.Spacing.KARRAS, TimeGrid.Spacing.parse("karras"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TimeGrid.Spacing.parse("x"))
        .getMessage().contains("karras"));
  }
}
