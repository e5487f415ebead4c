package dev.scoreflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.scoreflow.TestEngine;
import dev.scoreflow.train.ToyTrainingData;
import dev.scoreflow.train.TrainingData;
import org.junit.jupiter.api.Test;

/**
 * 2-D sets label each point with the part it was drawn from, in the same draw, and the points
 * of a labelled draw are exactly those of an unlabelled one.
 */
class ToyLabelsTest {
  static final int N = 20000;

  @Test
  void labelledDrawsGiveTheSamePointsAsPlainOnes() {
    for (ToyData d : ToyData.values()) {
      float[] plain;
      try (NDManager m = TestEngine.manager(17)) {
        plain = d.sample(m, 500).toFloatArray();
      }
      try (NDManager m = TestEngine.manager(17)) {
        ToyData.Draw draw = d.sampleLabelled(m, 500);
        assertArrayEquals(plain, draw.points().toFloatArray(), d.id());
        if (d.classNames().isEmpty()) {
          assertNull(draw.labels(), d.id());
        } else {
          assertEquals(DataType.INT32, draw.labels().getDataType(), d.id());
        }
      }
      try (NDManager m = TestEngine.manager(17)) {
        TrainingData data = new ToyTrainingData(d);
        assertArrayEquals(plain, data.labelledBatch(m, 0, 500).x0().toFloatArray(), d.id());
        assertEquals(d.classNames(), data.classNames());
        assertTrue(!data.spec().isImages());
      }
    }
    assertTrue(ToyData.SWISSROLL.classNames().isEmpty(), "the swiss roll has no parts");
  }

  @Test
  void gmm8LabelsAreTheNearestModeOfEveryPoint() {
    try (NDManager m = TestEngine.manager(3)) {
      ToyData.Draw d = ToyData.GMM8.sampleLabelled(m, N);
      float[] p = d.points().toFloatArray();
      int[] label = d.labels().toIntArray();
      int[] count = new int[8];
      for (int i = 0; i < N; i++) {
        int nearest = 0;
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 8; k++) {
          double dx = p[2 * i] - 2 * Math.cos(k * Math.PI / 4);
          double dy = p[2 * i + 1] - 2 * Math.sin(k * Math.PI / 4);
          if (dx * dx + dy * dy < best) {
            best = dx * dx + dy * dy;
            nearest = k;
          }
        }
        assertEquals(nearest, label[i], "point " + i);
        count[label[i]]++;
      }
      for (int k = 0; k < 8; k++) {
        // Binomial(20000, 1/8): sd 47; 5 sd either side.
        assertTrue(Math.abs(count[k] - N / 8.0) < 5 * 47, "mode " + k + ": " + count[k]);
      }
    }
  }

  @Test
  void moonsRingsAndSquaresLabelTheirPart() {
    try (NDManager m = TestEngine.manager(5)) {
      // Moons: the upper moon lies on the circle of radius 2 about (-1, -0.5), the lower on the
      // one about (1, 0.5); jitter 0.1 after scaling.
      ToyData.Draw moons = ToyData.MOONS.sampleLabelled(m, N);
      float[] p = moons.points().toFloatArray();
      int[] l = moons.labels().toIntArray();
      int lower = 0;
      for (int i = 0; i < N; i++) {
        double cx = l[i] == 0 ? -1 : 1;
        double cy = l[i] == 0 ? -0.5 : 0.5;
        double r = Math.hypot(p[2 * i] - cx, p[2 * i + 1] - cy);
        assertEquals(2, r, 0.6, "moon point " + i + " labelled " + l[i]);
        lower += l[i];
      }
      assertTrue(Math.abs(lower - N / 2.0) < 5 * 71, "lower moon share " + lower);

      // Rings: radius 0.9 (k + 1) for label k, jitter 0.08.
      ToyData.Draw rings = ToyData.RINGS.sampleLabelled(m, N);
      p = rings.points().toFloatArray();
      l = rings.labels().toIntArray();
      for (int i = 0; i < N; i++) {
        assertEquals(0.9 * (l[i] + 1), Math.hypot(p[2 * i], p[2 * i + 1]), 0.5, "ring point " + i);
      }

      // Checkerboard: square 2 c + b is column c (x in [2c - 4, 2c - 2)), upper band (b = 0,
      // y >= 0) or lower (b = 1, y < 0).
      ToyData.Draw board = ToyData.CHECKERBOARD.sampleLabelled(m, N);
      p = board.points().toFloatArray();
      l = board.labels().toIntArray();
      int[] count = new int[8];
      for (int i = 0; i < N; i++) {
        int column = (int) Math.floor(p[2 * i] / 2) + 2;
        int band = p[2 * i + 1] < 0 ? 1 : 0;
        assertEquals(2 * column + band, l[i], "square of point " + i);
        count[l[i]]++;
      }
      for (int k = 0; k < 8; k++) {
        assertTrue(count[k] > N / 8 - 5 * 47, "square " + k + ": " + count[k]);
      }
    }
  }
}
