package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.eval.SlicedWasserstein;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.DdimSampler;
import dev.scoreflow.sample.DdpmSampler;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.sample.TimeGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short real training run on gmm8 whose samples match the data and cover all 8 modes. */
class Gmm8TrainingTest {
  @TempDir Path tmp;

  @Test
  void trainsAModelThatSamplesTheMixture() throws Exception {
    TrainConfig c = new TrainConfig();
    c.data = "gmm8";
    c.steps = 3000; // with the default batch 1024: about a minute on 2 cores
    c.seed = 1;
    try (NDManager m = TestEngine.manager(1);
        Trainer trainer = Trainer.start(c, new RunFolder(tmp.resolve("run")), TestEngine.device())) {
      long t0 = System.nanoTime();
      trainer.run(TrainingListener.NONE, () -> false);
      System.out.printf("trained %d steps in %.1f s%n", c.steps, (System.nanoTime() - t0) / 1e9);
      List<String> rows = Files.readAllLines(tmp.resolve("run/metrics.csv"));
      double first = Double.parseDouble(rows.get(1).split(",")[1]);
      double last = Double.parseDouble(rows.get(rows.size() - 1).split(",")[1]);
      assertTrue(last < 0.7 * first, "loss should fall: " + first + " -> " + last);
      assertTrue(Files.size(tmp.resolve("run/loss.png")) > 1000);

      NoisePredictor eps = NoisePredictor.of(trainer.network(), trainer.emaWeights());
      GaussianMixtureOracle data = GaussianMixtureOracle.gmm8(trainer.process(), m);
      SlicedWasserstein sw = new SlicedWasserstein(m, 2, 64, 5);
      int n = 2000;
      int reps = 6;
      double floor = 0;
      for (int i = 0; i < 4 * reps; i++) {
        floor += sw.distance(data.sampleData(m, n), data.sampleData(m, n)) / (4 * reps);
      }
      for (Sampler s : new Sampler[] {new DdimSampler(50, 0.0, TimeGrid.Spacing.QUADRATIC),
          new DdpmSampler(1000, DdpmSampler.Variance.LARGE)}) {
        double d = 0;
        long[] counts = new long[8];
        for (int r = 0; r < reps; r++) {
          try (NDManager run = m.newSubManager()) {
            NDArray x1 = trainer.process().samplePrior(run, new ai.djl.ndarray.types.Shape(n, 2));
            NDArray x0 = s.sample(eps, trainer.process(), x1, c.tMin);
            d += sw.distance(x0, data.sampleData(run, n)) / reps;
            long[] idx = data.nearestComponent(x0).toLongArray();
            for (long k : idx) {
              counts[(int) k]++;
            }
          }
        }
        System.out.printf("%s: SW1 %.4f floor %.4f ratio %.2f modes %s%n", s.describe(), d, floor,
            d / floor, java.util.Arrays.toString(counts));
        assertTrue(d < 2 * floor, s.describe() + ": SW1 " + d + " vs floor " + floor);
        for (int k = 0; k < 8; k++) {
          // every mode holds roughly its 1/8 share (at least half of it)
          assertTrue(counts[k] > n * reps / 16, "mode " + k + " under-covered: " + counts[k]);
        }
        assertEquals(n * reps, java.util.Arrays.stream(counts).sum());
      }
    }
  }
}
