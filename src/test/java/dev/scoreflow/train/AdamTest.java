package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.model.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Adam (with decoupled weight decay) and the EMA, which keep their state in one flat buffer with
 * named views, against the textbook per-element formulas computed in double precision in Java.
 */
class AdamTest {
  private static final String[] NAMES = {"a.w", "a.b", "c.w"};
  private static final Shape[] SHAPES = {new Shape(3, 4), new Shape(4), new Shape(2, 1, 3)};

  private static ParameterStore store(NDManager m, Random rnd) {
    ParameterStore p = new ParameterStore(m);
    for (int i = 0; i < NAMES.length; i++) {
      p.put(NAMES[i], m.create(gaussian(rnd, (int) SHAPES[i].size()), SHAPES[i]));
    }
    return p;
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  @Test
  void adamAndEmaFollowTheFormulasElementByElement() {
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double wd = 0.01;
    double decay = 0.8;
    Random rnd = new Random(3);
    try (NDManager m = TestEngine.manager(0)) {
      ParameterStore params = store(m, rnd);
      Map<String, double[]> p = new LinkedHashMap<>();
      Map<String, double[]> mom1 = new LinkedHashMap<>();
      Map<String, double[]> mom2 = new LinkedHashMap<>();
      Map<String, double[]> avg = new LinkedHashMap<>();
      for (String name : NAMES) {
        float[] v = params.get(name).toFloatArray();
        p.put(name, toDouble(v));
        mom1.put(name, new double[v.length]);
        mom2.put(name, new double[v.length]);
        avg.put(name, toDouble(v));
      }
      try (Adam adam = new Adam(params, m, b1, b2, eps, wd);
          Ema ema = new Ema(params, m, decay, false)) {
        for (int t = 1; t <= 4; t++) {
          double lr = 0.05 * t;
          Map<String, NDArray> grads = new LinkedHashMap<>();
          // Gradients handed over in another order than the parameters: matched by name.
          for (int i = NAMES.length - 1; i >= 0; i--) {
            grads.put(NAMES[i], m.create(gaussian(rnd, (int) SHAPES[i].size()), SHAPES[i]));
          }
          try (NDScope scope = new NDScope()) {
            adam.step(params, grads, lr);
            ema.update(params, t - 1);
          }
          for (String name : NAMES) {
            float[] g = grads.get(name).toFloatArray();
            double[] w = p.get(name);
            double[] mv = mom1.get(name);
            double[] vv = mom2.get(name);
            double[] e = avg.get(name);
            for (int j = 0; j < w.length; j++) {
              mv[j] = b1 * mv[j] + (1 - b1) * g[j];
              vv[j] = b2 * vv[j] + (1 - b2) * g[j] * g[j];
              double mHat = mv[j] / (1 - Math.pow(b1, t));
              double vHat = vv[j] / (1 - Math.pow(b2, t));
              w[j] = w[j] * (1 - lr * wd) - lr * mHat / (Math.sqrt(vHat) + eps);
              e[j] = decay * e[j] + (1 - decay) * w[j];
            }
          }
        }
        assertEquals(4, adam.stepCount());
        for (String name : NAMES) {
          assertClose(p.get(name), params.get(name), "parameter " + name);
          assertClose(mom1.get(name), adam.firstMoments().get(name), "first moment " + name);
          assertClose(mom2.get(name), adam.secondMoments().get(name), "second moment " + name);
          assertClose(avg.get(name), ema.weights().get(name), "EMA " + name);
          assertEquals(params.get(name).getShape(), adam.firstMoments().get(name).getShape());
        }
      }
    }
  }

  @Test
  void restoredMomentsLandInTheBufferTheNextStepReads() {
    Random rnd = new Random(5);
    try (NDManager m = TestEngine.manager(0)) {
      ParameterStore a = store(m, rnd);
      ParameterStore b = a.copy(m);
      Map<String, NDArray> grads = new LinkedHashMap<>();
      for (int i = 0; i < NAMES.length; i++) {
        grads.put(NAMES[i], m.create(gaussian(rnd, (int) SHAPES[i].size()), SHAPES[i]));
      }
      try (Adam first = new Adam(a, m, 0); Adam second = new Adam(b, m, 0)) {
        try (NDScope scope = new NDScope()) {
          first.step(a, grads, 0.1);
          first.step(a, grads, 0.1);
          second.step(b, grads, 0.1);
        }
        // A fresh optimizer restored from second's state (one step) continues as first did.
        try (Adam third = new Adam(b, m, 0)) {
          third.restore(second.firstMoments(), second.secondMoments(), second.stepCount());
          try (NDScope scope = new NDScope()) {
            third.step(b, grads, 0.1);
          }
          for (String name : NAMES) {
            float[] want = a.get(name).toFloatArray();
            float[] got = b.get(name).toFloatArray();
            for (int j = 0; j < want.length; j++) {
              assertEquals(want[j], got[j], 0f, name + "[" + j + "] after restore");
            }
          }
        }
      }
    }
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static void assertClose(double[] want, NDArray got, String what) {
    float[] g = got.toFloatArray();
    assertEquals(want.length, g.length, what + " size");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], g[i], 1e-5 * Math.max(1, Math.abs(want[i])), what + "[" + i + "]");
    }
  }
}
