package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.scoreflow.TestEngine;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.model.ToyMlp;
import dev.scoreflow.model.UNetS;
import dev.scoreflow.schedule.VpLinear;
import java.util.Collections;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training, run with K replicas on the CPU: K steps' updates of the weights, Adam's
 * moments and the EMA equal the one-device updates of the full batch to float tolerance.
 */
class DataParallelStepTest {
  /** Weights, EMA and loss after {@code steps} steps of batch {@code batch} on {@code k} devices. */
  static float[][] train(Function<NDManager, EpsNetwork> network, Function<NDManager, NDArray> data,
      int k, int steps, double clip) {
    try (NDManager m = TestEngine.manager(7)) {
      EpsNetwork net = network.apply(m);
      FlatParameters flat;
      try (ParameterStore init = net.initParameters(m)) {
        flat = new FlatParameters(init, m);
      }
      Adam adam = new Adam(flat.views(), m, 0.01);
      Ema ema = new Ema(flat.views(), m, 0.9, false);
      OptimizerStep one = new OptimizerStep(net, flat, new DiffusionObjective(new VpLinear(), 1e-3, 0),
          adam, clip, ema);
      TrainingStep step = k == 1 ? one
          : new DataParallelStep(one, Collections.nCopies(k - 1, Device.cpu()));
      Engine engine = ScoreflowEngine.engine();
      float[] losses = new float[steps];
      for (int s = 0; s < steps; s++) {
        try (NDScope scope = new NDScope()) {
          ScoreflowEngine.seed(100 + s); // the trainer reseeds per step too
          NDArray x0 = data.apply(m);
          losses[s] = step.apply(engine, x0, 1e-3).getFloat();
        }
      }
      float[] w = flat.flat().toFloatArray();
      float[] e = flatten(ema.weights());
      if (step instanceof DataParallelStep) {
        ((DataParallelStep) step).close();
      }
      return new float[][] {w, e, losses};
    }
  }

  static float[] flatten(ParameterStore p) {
    java.util.List<float[]> parts = new java.util.ArrayList<>();
    int n = 0;
    for (NDArray a : p.asMap().values()) {
      float[] v = a.toFloatArray();
      parts.add(v);
      n += v.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] v : parts) {
      System.arraycopy(v, 0, out, at, v.length);
      at += v.length;
    }
    return out;
  }

  static double maxRelDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(a[i]));
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst / scale;
  }

  static void assertSameUpdates(float[][] one, float[][] many, double tol, String what) {
    double w = maxRelDiff(one[0], many[0]);
    double e = maxRelDiff(one[1], many[1]);
    double l = maxRelDiff(one[2], many[2]);
    System.out.printf("%s: weights %.2e, EMA %.2e, loss %.2e (largest difference / largest value)%n",
        what, w, e, l);
    assertTrue(w < tol && e < tol && l < tol, what + ": weights " + w + ", EMA " + e + ", loss " + l);
  }

  @Test
  void mlpOnThreeReplicasEqualsOneDevice() {
    Function<NDManager, EpsNetwork> mlp = m -> new ToyMlp(m, 64, 2);
    Function<NDManager, NDArray> gmm8 = m -> ToyData.GMM8.sample(m, 100); // 100 = 33 + 33 + 34
    float[][] one = train(mlp, gmm8, 1, 4, 1.0);
    float[][] three = train(mlp, gmm8, 3, 4, 1.0);
    assertSameUpdates(one, three, 1e-5, "MLP, 3 replicas");
    // The replicas must matter: a different batch split is not a different model.
    assertTrue(maxRelDiff(one[0], train(mlp, gmm8, 1, 3, 1.0)[0]) > 1e-3, "4 vs 3 steps differ");
  }

  @Test
  void unetOnTwoReplicasEqualsOneDevice() {
    Function<NDManager, EpsNetwork> unet = UNetS::new;
    Function<NDManager, NDArray> images = m -> m.randomUniform(-1f, 1f, new ai.djl.ndarray.types.Shape(6, 1, 28, 28));
    float[][] one = train(unet, images, 1, 2, 0);
    float[][] two = train(unet, images, 2, 2, 0);
    // Looser: Adam divides by sqrt(v), which magnifies the rounding of near-zero gradients.
    assertSameUpdates(one, two, 5e-4, "UNet-S, 2 replicas");
  }

  @Test
  void aBatchSmallerThanTheDevicesIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train(m -> new ToyMlp(m, 16, 2), m -> ToyData.GMM8.sample(m, 2), 3, 1, 0));
    assertTrue(e.getMessage().contains("--devices"), e.getMessage());
  }
}
