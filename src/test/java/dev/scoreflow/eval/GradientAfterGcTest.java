package dev.scoreflow.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.model.UNetS;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.VpLinear;
import org.junit.jupiter.api.Test;

/**
 * The likelihood differentiates the predictors. DJL turns a Number operand (x.div(2.0)) into a
 * scalar tensor over a direct buffer and closes it at once, while autograd keeps that tensor for
 * the backward pass: once the GC has collected the buffer, the gradient reads freed memory. The
 * predictors must not use Number operands on the path from x; with a GC forced between forward
 * and backward the divergence must come out exactly as without.
 */
class GradientAfterGcTest {

  /** The predictor, then a full GC before autograd's backward pass runs. */
  static NoisePredictor gcAfter(NoisePredictor inner) {
    return (x, t) -> {
      NDArray e = inner.predict(x, t);
      for (int i = 0; i < 3; i++) {
        System.gc();
        java.nio.ByteBuffer junk = java.nio.ByteBuffer.allocateDirect(1 << 20); // reuse freed memory
        for (int k = 0; k < junk.capacity(); k += 4) {
          junk.putFloat(k, 0f);
        }
        try {
          Thread.sleep(30); // lets the cleaner thread free collected buffers
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
      return e;
    };
  }

  static void assertSameDivergence(NoisePredictor eps, NDArray x, double t, NDArray z) {
    float[] plain = OdeLikelihood.hutchinson(eps, x, t, z)[1].toFloatArray();
    float[] withGc = OdeLikelihood.hutchinson(gcAfter(eps), x, t, z)[1].toFloatArray();
    assertArrayEquals(plain, withGc, 1e-5f * (1 + Math.abs(plain[0])));
  }

  @Test
  void unetDivergenceSurvivesAGc() {
    try (NDManager m = TestEngine.manager(9)) {
      EpsNetwork net = new UNetS(m);
      try (ParameterStore p = net.initParameters(m)) {
        NDArray x = m.randomUniform(-1f, 1f, new Shape(1, 1, 28, 28));
        NDArray z = m.randomNormal(x.getShape());
        assertSameDivergence(NoisePredictor.of(net, p), x, 0.3, z);
      }
    }
  }

  @Test
  void oracleDivergenceSurvivesAGc() {
    try (NDManager m = TestEngine.manager(9)) {
      GaussianMixtureOracle gmm8 = GaussianMixtureOracle.gmm8(new VpLinear(), m);
      NDArray x = gmm8.sampleMarginal(m, 16, 0.1);
      NDArray z = m.randomNormal(x.getShape());
      assertSameDivergence(gmm8, x, 0.1, z);
    }
  }
}
