package dev.scoreflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.scoreflow.TestEngine;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.tensor.HostCopy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class-conditional MLP: a table of K + 1 rows added to the time embedding, drawn after
 * every other parameter, so that the unconditional MLP is unchanged (same names, same draws);
 * null labels are the null class K; the label changes the output and trains its own row.
 */
class ConditionalMlpTest {
  static final int K = 3;
  static final int W = 16;

  @Test
  void unconditionalLayoutIsUntouchedAndTheTableComesLast() {
    ParameterStore plain;
    ParameterStore cond;
    try (NDManager a = TestEngine.manager(5)) {
      plain = new ToyMlp(a, W, 2).initParameters(a);
      List<String> plainNames = new ArrayList<>(plain.asMap().keySet());
      float[][] plainValues = values(plain, plainNames);
      try (NDManager b = TestEngine.manager(5)) {
        cond = new ToyMlp(b, W, 2, K).initParameters(b);
        List<String> names = new ArrayList<>(cond.asMap().keySet());
        assertEquals(plainNames, names.subList(0, names.size() - 1));
        assertEquals(ToyMlp.CLASS_EMBEDDING, names.get(names.size() - 1));
        assertEquals(new Shape(K + 1, W), cond.get(ToyMlp.CLASS_EMBEDDING).getShape());
        assertEquals(plain.parameterCount() + (K + 1) * W, cond.parameterCount());
        float[][] condValues = values(cond, plainNames);
        for (int i = 0; i < plainNames.size(); i++) {
          assertArrayEquals(plainValues[i], condValues[i], plainNames.get(i));
        }
      }
      assertEquals(0, new ToyMlp(a, W, 2).numClasses());
    }
  }

  private static float[][] values(ParameterStore p, List<String> names) {
    float[][] v = new float[names.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = HostCopy.floats(p.get(names.get(i)));
    }
    return v;
  }

  @Test
  void labelsSteerTheOutputAndNullIsClassK() {
    try (NDManager m = TestEngine.manager(6)) {
      ToyMlp net = new ToyMlp(m, W, 2, K);
      assertEquals(K, net.numClasses());
      ParameterStore p = net.initParameters(m);
      NDArray x = m.randomNormal(new Shape(4, 2));
      NDArray t = m.full(new Shape(1), 0.3f);
      float[] none = HostCopy.floats(net.forward(p, x, t));
      float[] nullClass = HostCopy.floats(net.forward(p, x, t,
          m.full(new Shape(4), K, DataType.INT32)));
      assertArrayEquals(nullClass, none, "no labels = the null class K");
      float[] zero = HostCopy.floats(net.forward(p, x, t, m.full(new Shape(4), 0, DataType.INT32)));
      float[] mixed = HostCopy.floats(net.forward(p, x, t, m.create(new int[] {0, 1, 2, 3})));
      assertFalse(java.util.Arrays.equals(zero, none), "class 0 differs from the null class");
      // Row 0 asks for class 0 in both batches: the rows do not mix.
      assertArrayEquals(new float[] {zero[0], zero[1]}, new float[] {mixed[0], mixed[1]}, 1e-6f);
      assertArrayEquals(new float[] {none[6], none[7]}, new float[] {mixed[6], mixed[7]}, 1e-6f);
      // The unconditional MLP refuses labels with a message naming the flag to train with.
      ToyMlp plain = new ToyMlp(m, W, 2);
      ParameterStore q = plain.initParameters(m);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> plain.forward(q, x, t, m.full(new Shape(4), 0, DataType.INT32)));
      assertTrue(e.getMessage().contains("--class-conditional"), e.getMessage());
    }
  }

  @Test
  void onlyTheRowsOfTheBatchsLabelsGetAGradient() {
    try (NDManager m = TestEngine.manager(7)) {
      Engine engine = ScoreflowEngine.engine();
      ToyMlp net = new ToyMlp(m, W, 2, K);
      ParameterStore p = net.initParameters(m);
      p.requireGradients();
      NDArray x = m.randomNormal(new Shape(5, 2));
      NDArray t = m.randomUniform(0.1f, 0.9f, new Shape(5));
      try (GradientCollector gc = engine.newGradientCollector()) {
        gc.backward(net.forward(p, x, t, m.create(new int[] {1, 3, 1, 3, 1})).square().sum());
      }
      float[] g = HostCopy.floats(p.get(ToyMlp.CLASS_EMBEDDING).getGradient());
      for (int row = 0; row <= K; row++) {
        double norm = 0;
        for (int j = 0; j < W; j++) {
          norm += Math.abs(g[row * W + j]);
        }
        assertEquals(row == 1 || row == 3, norm > 0, "gradient of row " + row + ": " + norm);
      }
    }
  }
}
