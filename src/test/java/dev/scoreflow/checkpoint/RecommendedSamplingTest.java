package dev.scoreflow.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The one rule by which flags given and a model folder's sampling.json combine (used by
 * `sample`, `eval` and `export`): the folder's steps, solver and spacing belong to its sampler.
 */
class RecommendedSamplingTest {
  static RecommendedSampling folder() {
    return new RecommendedSampling("dpm++2m", 14, 1.5, new double[] {0.3, 5})
        .withGrid(null, "quadratic");
  }

  @Test
  void noFlagsTakeTheWholeRecommendation() {
    RecommendedSampling r = new RecommendedSampling().filledFrom(folder());
    assertEquals("dpm++2m", r.sampler);
    assertEquals(14, r.steps);
    assertEquals("quadratic", r.spacing);
    assertEquals(1.5, r.guidance);
    assertArrayEquals(new double[] {0.3, 5}, r.guidanceInterval);
  }

  @Test
  void anotherSamplerDropsTheRecommendedGridButKeepsTheGuidance() {
    RecommendedSampling given = new RecommendedSampling();
    given.sampler = "ode";
    RecommendedSampling r = given.filledFrom(folder());
    assertEquals("ode", r.sampler);
    assertNull(r.steps, "14 steps were chosen for dpm++2m, not for the ODE");
    assertNull(r.spacing);
    assertNull(r.solver);
    assertEquals(1.5, r.guidance);
  }

  @Test
  void flagsWinOverTheFolderAndGapsStayGapsWithoutOne() {
    RecommendedSampling given = new RecommendedSampling();
    given.sampler = "dpm++2m";
    given.steps = 20;
    given.guidance = 2.0;
    RecommendedSampling r = given.filledFrom(folder());
    assertEquals(20, r.steps);
    assertEquals("quadratic", r.spacing, "same sampler: the folder's spacing fills the gap");
    assertEquals(2.0, r.guidance);
    RecommendedSampling none = given.filledFrom(null);
    assertEquals("dpm++2m", none.sampler);
    assertNull(none.spacing);
    assertNull(none.guidanceInterval);
  }
}
