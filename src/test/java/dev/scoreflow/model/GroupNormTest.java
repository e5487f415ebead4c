package dev.scoreflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import org.junit.jupiter.api.Test;

/** GroupNorm against a plain per-group mean/variance computed in Java. */
class GroupNormTest {

  @Test
  void matchesDirectComputation() {
    try (NDManager m = TestEngine.manager(3)) {
      int b = 3;
      int c = 12;
      int h = 5;
      int w = 7;
      int groups = 4;
      // Offset and scale so a wrong mean or variance could not pass by accident.
      NDArray x = m.randomNormal(new Shape(b, c, h, w)).mul(3f).add(2f);
      NDArray gamma = m.randomNormal(new Shape(c));
      NDArray beta = m.randomNormal(new Shape(c));
      float[] got = GroupNorm.apply(x, groups, gamma, beta).toFloatArray();
      float[] want = reference(x.toFloatArray(), gamma.toFloatArray(), beta.toFloatArray(), b, c,
          h * w, groups);
      assertArrayEquals(want, got, 1e-5f);
      assertEquals(x.getShape(), GroupNorm.apply(x, groups, gamma, beta).getShape());
    }
  }

  @Test
  void usesNamedParameters() {
    try (NDManager m = TestEngine.manager(4)) {
      ParameterStore p = new ParameterStore(m);
      Init.norm(p, "n", 8);
      NDArray x = m.randomNormal(new Shape(2, 8, 3, 3));
      float[] got = GroupNorm.apply(p, "n", x, 2).toFloatArray();
      float[] want = reference(x.toFloatArray(), ones(8), new float[8], 2, 8, 9, 2);
      assertArrayEquals(want, got, 1e-5f);
    }
  }

  @Test
  void rejectsChannelsThatDoNotSplit() {
    try (NDManager m = TestEngine.manager(5)) {
      NDArray x = m.zeros(new Shape(1, 6, 2, 2));
      assertThrows(IllegalArgumentException.class,
          () -> GroupNorm.apply(x, 4, m.ones(new Shape(6)), m.zeros(new Shape(6))));
    }
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, 1f);
    return a;
  }

  /** y = (x - mean_g) / sqrt(var_g + eps) * gamma_c + beta_c, biased variance, in double. */
  static float[] reference(float[] x, float[] gamma, float[] beta, int b, int c, int hw,
      int groups) {
    float[] y = new float[x.length];
    int cpg = c / groups;
    for (int i = 0; i < b; i++) {
      for (int g = 0; g < groups; g++) {
        int start = (i * c + g * cpg) * hw;
        int len = cpg * hw;
        double sum = 0;
        for (int j = 0; j < len; j++) {
          sum += x[start + j];
        }
        double mean = sum / len;
        double sq = 0;
        for (int j = 0; j < len; j++) {
          double d = x[start + j] - mean;
          sq += d * d;
        }
        double inv = 1.0 / Math.sqrt(sq / len + 1e-5);
        for (int j = 0; j < len; j++) {
          int ch = g * cpg + j / hw;
          y[start + j] = (float) ((x[start + j] - mean) * inv * gamma[ch] + beta[ch]);
        }
      }
    }
    return y;
  }
}
