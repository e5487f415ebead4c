package dev.scoreflow.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.eval.SlicedWasserstein;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.VpLinear;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chunked sampling: any split of the chunks gives the same samples bit for bit, and the chunks
 * are independent draws of the right law (checked with the exact gmm8 score: were two chunks
 * seeded alike, the pooled samples would repeat and sit far above the data's SW1 floor).
 */
class ChunkedSamplingTest {
  static NDManager m;
  static final VpLinear VP = new VpLinear();
  static GaussianMixtureOracle oracle;

  @BeforeAll
  static void setUp() {
    m = TestEngine.manager(5);
    oracle = GaussianMixtureOracle.gmm8(VP, m);
  }

  @AfterAll
  static void tearDown() {
    m.close();
  }

  /** The plan's samples as one host array. */
  static float[] run(Sampler s, ChunkedSampling.Plan plan, long seed) throws Exception {
    try (NDManager run = m.newSubManager()) {
      NDList parts = new NDList();
      ChunkedSampling.run(s, Denoiser.ofEps(oracle, VP), new Shape(2), 1e-3, seed, plan, run,
          (c, first, x) -> {
            assertEquals(plan.first(c), first);
            NDArray keep = x.duplicate();
            keep.attach(run);
            parts.add(keep);
          });
      return NDArrays.concat(parts).toFloatArray();
    }
  }

  static float[] concat(float[]... parts) {
    int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void anySplitOfTheChunksGivesTheSameSamples() throws Exception {
    // DDPM injects fresh noise at every step: the sampler noise must follow the chunk too.
    Sampler ddpm = new DdpmSampler(20, DdpmSampler.Variance.LARGE);
    long n = 700; // 6 chunks of 128, the last one short (60)
    float[] whole = run(ddpm, ChunkedSampling.Plan.whole(n, 128), 9);
    assertEquals(700 * 2, whole.length);
    float[] split = concat(run(ddpm, new ChunkedSampling.Plan(n, 128, 0, 1), 9),
        run(ddpm, new ChunkedSampling.Plan(n, 128, 1, 4), 9),
        run(ddpm, new ChunkedSampling.Plan(n, 128, 4, 6), 9));
    assertArrayEquals(whole, split);
    // Another seed gives other samples.
    assertFalse(Arrays.equals(whole, run(ddpm, ChunkedSampling.Plan.whole(n, 128), 10)));
  }

  @Test
  void chunksAreIndependentDrawsOfTheData() throws Exception {
    int n = 2048;
    Sampler ddim = new DdimSampler(50, 1.0, TimeGrid.Spacing.QUADRATIC);
    SlicedWasserstein sw = new SlicedWasserstein(m, 2, 64, 3);
    double d = 0;
    double floor = 0;
    int reps = Integer.getInteger("reps", 12);
    int chunk = Integer.getInteger("chunk", 256);
    for (int r = 0; r < reps; r++) {
      float[] xs = run(ddim, ChunkedSampling.Plan.whole(n, chunk), 100 + r);
      try (NDManager pair = m.newSubManager()) {
        NDArray x = pair.create(xs, new Shape(n, 2));
        d += sw.distance(x, oracle.sampleData(pair, n)) / reps;
        floor += sw.distance(oracle.sampleData(pair, n), oracle.sampleData(pair, n)) / reps;
      }
    }
    System.out.printf("chunked ddim eta=1: SW1 %.4f, floor %.4f, ratio %.3f%n", d, floor, d / floor);
    assertTrue(d / floor < 1.25, "SW1 " + d + " against the floor " + floor);
  }

  @Test
  void chunkSeedsAreDistinct() {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      for (int c = 0; c < 200; c++) {
        long s = ChunkedSampling.chunkSeed(seed, c);
        seen.add((int) (s ^ (s >>> 32))); // what the engine's int seed sees
      }
    }
    assertEquals(20 * 200, seen.size());
  }

  @Test
  void planRangesAreChecked() {
    ChunkedSampling.Plan p = ChunkedSampling.Plan.parse(1000, 256, "1:4");
    assertEquals(744, p.count());
    assertEquals(232, p.size(3));
    for (String bad : new String[] {"3:2", "0:5", "-1:2", "a:b", "2", "2:2"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ChunkedSampling.Plan.parse(1000, 256, bad));
      assertTrue(e.getMessage().startsWith("--chunks"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> ChunkedSampling.Plan.whole(10, 0));
  }
}
