package dev.scoreflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.scoreflow.TestEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * a(t), b(t), a'(t) and b'(t) on the device (float32, used by training) agree with the double versions, and
 * b is never NaN: 1 - exp(u) rounding below zero once made sqrt return NaN near t = 0.
 */
class DeviceCoefficientsTest {
  @Test
  void deviceCoefficientsMatchAndAreFinite() {
    try (NDManager m = TestEngine.manager(0)) {
      int n = 200_001;
      NDArray t = m.linspace(1e-6f, 1f, n);
      float[] ts = t.toFloatArray();
      for (NoiseProcess p : List.of(new VpLinear(), new VpCosine(), new Ve(), new DiscreteVp(),
          new RectifiedFlow(), new GaussianKernel(new Ve()))) {
        NDArray tt = t.minimum((float) p.tMax());
        float[] a = p.a(tt).toFloatArray();
        float[] b = p.b(tt).toFloatArray();
        assertTrue(!p.b(tt).isNaN().any().getBoolean(), p.name() + ": NaN in b(t)");
        for (int i = 0; i < n; i += 997) {
          double ti = Math.min(ts[i], p.tMax());
          assertEquals(p.a(ti), a[i], 1e-5 * (1 + p.a(ti)), p.name() + " a at " + ti);
          assertEquals(p.b(ti), b[i], 2e-3 * p.b(ti) + 1e-6, p.name() + " b at " + ti);
        }
        assertEquals(DataType.FLOAT32, p.b(tt).getDataType());
        // a' and b' (velocity targets), away from t = 0 where VP's b' = -f a^2/b blows up.
        NDArray late = tt.maximum(0.0123f); // off the ddpm grid, where f jumps
        float[] ls = late.toFloatArray();
        float[] ad = p.aDot(late).toFloatArray();
        float[] bd = p.bDot(late).toFloatArray();
        for (int i = 0; i < n; i += 997) {
          double ti = ls[i];
          assertEquals(p.aDot(ti), ad[i], 2e-3 * (1 + Math.abs(p.aDot(ti))), p.name() + " a' at " + ti);
          assertEquals(p.bDot(ti), bd[i], 3e-3 * (1 + Math.abs(p.bDot(ti))), p.name() + " b' at " + ti);
        }
      }
    }
  }
}
