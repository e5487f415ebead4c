package dev.scoreflow.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.eval.FrechetDistance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Per-partition feature sums, added up in any order, give the mean and covariance of all the
 * features at once (FrechetDistance.moments), and so the same Frechet distance.
 */
class FeatureSumsTest {
  @Test
  void partitionSumsCombineToTheMomentsOfAllFeatures() {
    int d = 84;
    int n = 500;
    try (NDManager m = TestEngine.manager(11)) {
      // Features with a large common offset, as LeNet's are: the covariance must not suffer.
      NDArray features = m.randomNormal(new Shape(n, d)).mul(m.randomUniform(0.5f, 3f,
          new Shape(1, d))).add(m.randomUniform(-20f, 20f, new Shape(1, d)));
      NDArray classes = m.randomInteger(0, 10, new Shape(n), DataType.INT64);
      // Uneven partitions (one of a single row), summed in a shuffled order.
      int[] cuts = {0, 1, 37, 200, 201, 420, n};
      List<FeatureSums> parts = new ArrayList<>();
      for (int i = 0; i + 1 < cuts.length; i++) {
        FeatureSums s = new FeatureSums(d, 10);
        s.add(features.get(cuts[i] + ":" + cuts[i + 1]), classes.get(cuts[i] + ":" + cuts[i + 1]));
        parts.add(s);
      }
      Collections.shuffle(parts, new Random(3));
      FeatureSums all = new FeatureSums(d, 10);
      parts.forEach(all::add);
      assertEquals(n, all.count());

      FrechetDistance.Moments combined = all.moments();
      FrechetDistance.Moments direct = FrechetDistance.moments(features);
      assertEquals(direct.n(), combined.n());
      assertArrayEquals(direct.mean(), combined.mean(), 1e-9);
      double worst = 0;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          worst = Math.max(worst, Math.abs(direct.cov()[i][j] - combined.cov()[i][j]));
        }
      }
      System.out.printf("largest covariance difference, partition sums vs all at once: %.3g%n",
          worst);
      assertEquals(0, worst, 1e-9);

      // Against another feature set, the distances agree too.
      NDArray other = m.randomNormal(new Shape(n, d)).add(m.randomUniform(-20f, 20f, new Shape(1, d)));
      FrechetDistance.Moments ref = FrechetDistance.moments(other);
      double a = FrechetDistance.distance(direct, ref);
      assertEquals(a, FrechetDistance.distance(combined, ref), 1e-9 * a);

      long[] counts = new long[10];
      for (long c : classes.toLongArray()) {
        counts[(int) c]++;
      }
      for (int c = 0; c < 10; c++) {
        assertEquals((double) counts[c] / n, all.classShares()[c], 0, "class " + c);
      }
    }
  }
}
