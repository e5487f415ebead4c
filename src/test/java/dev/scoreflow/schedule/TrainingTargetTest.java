package dev.scoreflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.oracle.FiniteDataOracle;
import dev.scoreflow.tensor.HostCopy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training and sampling read a prediction the same way: the target a process builds for each
 * parameterisation, mapped back through the samplers' affine maps ({@link Prediction#x0Of},
 * {@link Prediction#epsOf}), gives the x_0 and the noise it was built from; and the
 * batch-averaged target of {@link StableTarget} is the finite-data denoiser of the batch.
 */
class TrainingTargetTest {
  static final List<NoiseProcess> PROCESSES = List.of(new VpLinear(), new Ve(), new RectifiedFlow(),
      new Pfgm(1, 10), new Pfgm(64, 10), new TanhKernel(10));
  static final double DATA_SCALE = 1.4;

  @Test
  void everyTargetMapsBackToItsDataAndNoise() {
    try (NDManager m = NDManager.newBaseManager(TestEngine.device())) {
      for (NoiseProcess p : PROCESSES) {
        for (Prediction pr : Prediction.values()) {
          if (p instanceof RectifiedFlow && (pr == Prediction.EPS || pr == Prediction.EDM)) {
            continue; // refused: both divide by a, which is 0 at t = 1
          }
          for (double t : new double[] {0.02, 0.3, 0.7, 0.97}) {
            NDArray x0 = m.randomNormal(new Shape(16, 3));
            NDArray n = p.sampleNoise(m, x0.getShape());
            NDArray times = m.full(new Shape(16), (float) t);
            TrainingPair pair = p.trainingPair(x0, times, n, pr, DATA_SCALE);
            Prediction.At at = Prediction.At.of(p, t, DATA_SCALE);
            NDArray x0Back = apply(pr.x0Of(at), pair.xt(), pair.target());
            NDArray nBack = apply(pr.epsOf(at), pair.xt(), pair.target());
            String what = p.name() + " " + pr.id() + " t=" + t;
            assertEquals(0, maxRelError(x0Back, x0), 2e-4, what + ": x0");
            assertEquals(0, maxRelError(nBack, n), 2e-3, what + ": noise");
          }
        }
      }
    }
  }

  /** With one draw of x_t per example, the averaged x_0 is the oracle's x0_hat on the batch. */
  @Test
  void stableTargetIsTheBatchDenoiser() {
    try (NDManager m = NDManager.newBaseManager(TestEngine.device())) {
      for (NoiseProcess p : List.of(new VpLinear(), new Pfgm(1, 10), new TanhKernel(10))) {
        NDArray x0 = m.randomNormal(new Shape(64, 2));
        NDArray n = p.sampleNoise(m, x0.getShape());
        double t = 0.55;
        NDArray times = m.full(new Shape(64), (float) t);
        TrainingPair pair = StableTarget.pair(p, x0, times, n, Prediction.X0, DATA_SCALE, null);
        NDArray expected = new FiniteDataOracle(p, x0).x0(pair.xt(), t);
        assertEquals(0, maxRelError(pair.target(), expected), 1e-4, p.name());
        // and it is not the single-draw target: the average moved it
        assertTrue(maxRelError(pair.target(), x0) > 1e-2, p.name() + ": the target was averaged");
      }
    }
  }

  /** Labels restrict the average to the same class; a row allowed only itself keeps its x_0. */
  @Test
  void stableTargetKeepsToTheAllowedPairs() {
    try (NDManager m = NDManager.newBaseManager(TestEngine.device())) {
      NoiseProcess p = new Pfgm(1, 10);
      NDArray x0 = m.randomNormal(new Shape(32, 2));
      NDArray n = p.sampleNoise(m, x0.getShape());
      NDArray times = m.full(new Shape(32), 0.9f);
      NDArray self = m.eye(32).toType(ai.djl.ndarray.types.DataType.BOOLEAN, false);
      TrainingPair pair = StableTarget.pair(p, x0, times, n, Prediction.X0, DATA_SCALE, self);
      assertEquals(0, maxRelError(pair.target(), x0), 1e-6);
    }
  }

  private static NDArray apply(Prediction.Affine c, NDArray x, NDArray p) {
    return x.mul(c.x()).add(p.mul(c.p()));
  }

  private static double maxRelError(NDArray got, NDArray want) {
    float[] g = HostCopy.floats(got);
    float[] w = HostCopy.floats(want);
    double worst = 0;
    for (int i = 0; i < g.length; i++) {
      worst = Math.max(worst, Math.abs(g[i] - w[i]) / (1 + Math.abs(w[i])));
    }
    return worst;
  }
}
