package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.scoreflow.TestEngine;
import dev.scoreflow.schedule.Pfgm;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.tensor.HostCopy;
import org.junit.jupiter.api.Test;

/**
 * Which x_0 of a labelled batch may explain which x_t when targets are averaged over the batch
 * (docs/theory.md, "Stable targets"): the same class, and every example for a row whose label
 * was dropped to the null class.
 */
class StableTargetPairsTest {
  @Test
  void sameClassOrDroppedLabel() {
    try (NDManager m = NDManager.newBaseManager(TestEngine.device())) {
      int k = 3; // classes 0..2, null class 3
      NDArray labels = m.create(new int[] {0, 1, 0, 3});
      boolean[][] want = {
          {true, false, true, false},
          {false, true, false, false},
          {true, false, true, false},
          {true, true, true, true}};
      check(new DiffusionObjective(new Pfgm(1, 10), Prediction.EDM, 1e-3, 0,
          new LabelDropout(0.1, k), true, 1.0).sameClass(labels), want);
      // without label dropout there is no null class: label 3 is an ordinary class
      want[3] = new boolean[] {false, false, false, true};
      check(new DiffusionObjective(new Pfgm(1, 10), Prediction.EDM, 1e-3, 0,
          LabelDropout.NONE, true, 1.0).sameClass(labels), want);
    }
  }

  private static void check(NDArray allowed, boolean[][] want) {
    int[] got = HostCopy.ints(allowed.toType(DataType.INT32, false));
    for (int i = 0; i < want.length; i++) {
      int[] row = new int[want.length];
      int[] wantRow = new int[want.length];
      for (int j = 0; j < want.length; j++) {
        row[j] = got[i * want.length + j];
        wantRow[j] = want[i][j] ? 1 : 0;
      }
      assertArrayEquals(wantRow, row, "row " + i);
    }
  }
}
