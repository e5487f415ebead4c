package dev.scoreflow.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.scoreflow.TestEngine;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Prints the time of one UNet-S forward + backward at the reference batch (128) on the CPU.
 * Informational only: the machine's speed swings too much to assert on (DJL-NOTES.md).
 */
class UNetSTimingTest {
  private static final int BATCH = 128;

  @Test
  void timesForwardBackwardAtBatch128() {
    try (NDManager m = TestEngine.manager(0)) {
      UNetS net = new UNetS(m);
      ParameterStore p = net.initParameters(m);
      p.requireGradients();
      int warmup = 2;
      int timed = 3;
      double[] ms = new double[timed];
      for (int i = 0; i < warmup + timed; i++) {
        long t0 = System.nanoTime();
        step(net, p, m);
        if (i >= warmup) {
          ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(ms);
      System.out.printf("UNet-S forward+backward, batch %d, %d threads: median %.0f ms (%s)%n",
          BATCH, JniUtils.getNumThreads(), ms[timed / 2],
          Arrays.toString(Arrays.stream(ms).map(Math::round).toArray()));
    }
  }

  private static void step(UNetS net, ParameterStore p, NDManager m) {
    try (NDScope scope = new NDScope()) {
      NDArray x = m.randomNormal(new Shape(BATCH, 1, 28, 28));
      NDArray t = m.randomUniform(1e-3f, 1f, new Shape(BATCH));
      NDArray eps = m.randomNormal(new Shape(BATCH, 1, 28, 28));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(net.forward(p, x, t).sub(eps).square().mean());
      }
      for (NDArray a : p.asMap().values()) {
        JniUtils.zeroGrad((PtNDArray) a); // gradients accumulate otherwise (DJL-NOTES trap 3)
      }
    }
  }
}
