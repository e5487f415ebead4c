package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.tensor.HostCopy;
import org.junit.jupiter.api.Test;

/** Label dropout replaces a share p of the labels by the null class K and keeps the rest. */
class LabelDropoutTest {

  @Test
  void dropsAboutShareP() {
    int n = 20000;
    int k = 10;
    try (NDManager m = TestEngine.manager(3)) {
      NDArray labels = m.randomInteger(0, k, new Shape(n), DataType.INT32);
      int[] before = HostCopy.ints(labels);
      int[] after = HostCopy.ints(new LabelDropout(0.1, k).apply(labels));
      int dropped = 0;
      for (int i = 0; i < n; i++) {
        if (after[i] == k) {
          dropped++;
        } else {
          assertEquals(before[i], after[i], "a kept label must be unchanged");
        }
      }
      // Binomial(20000, 0.1): sd = 42; 5 sd either side.
      assertTrue(Math.abs(dropped - 0.1 * n) < 5 * Math.sqrt(n * 0.1 * 0.9),
          "dropped " + dropped + " of " + n);
    }
  }

  @Test
  void zeroKeepsAllAndRangeIsChecked() {
    try (NDManager m = TestEngine.manager(4)) {
      NDArray labels = m.randomInteger(0, 5, new Shape(100), DataType.INT32);
      int[] after = HostCopy.ints(new LabelDropout(0, 5).apply(labels));
      org.junit.jupiter.api.Assertions.assertArrayEquals(HostCopy.ints(labels), after);
    }
    assertThrows(IllegalArgumentException.class, () -> new LabelDropout(1.5, 10));
  }
}
