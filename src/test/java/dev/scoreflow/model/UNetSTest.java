package dev.scoreflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.scoreflow.TestEngine;
import dev.scoreflow.spec.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** UNet-S layout (the reference's parameter counts), shapes and gradient flow. */
class UNetSTest {

  /**
   * Nearest 2x upsampling copies pixel (i, j) to the 2x2 block at (2i, 2j), and its gradient sums
   * each block back, for any input: checked against the definition in plain Java.
   */
  @Test
  void upsamplingIsNearestNeighbourBothWays() {
    try (NDManager m = TestEngine.manager(4)) {
      NDArray x = m.randomNormal(new Shape(2, 3, 5, 4));
      NDArray w = m.randomNormal(new Shape(2, 3, 10, 8)); // a weighting, so each block's sum differs
      x.setRequiresGradient(true);
      NDArray up;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        up = Ops.upsampleNearest2x(x);
        gc.backward(up.mul(w).sum());
      }
      assertEquals(new Shape(2, 3, 10, 8), up.getShape());
      float[] xv = x.toFloatArray();
      float[] uv = up.toFloatArray();
      float[] wv = w.toFloatArray();
      float[] gv = x.getGradient().toFloatArray();
      for (int bc = 0; bc < 6; bc++) {
        for (int i = 0; i < 5; i++) {
          for (int j = 0; j < 4; j++) {
            float want = 0;
            for (int di = 0; di < 2; di++) {
              for (int dj = 0; dj < 2; dj++) {
                int k = bc * 80 + (2 * i + di) * 8 + 2 * j + dj;
                assertEquals(xv[bc * 20 + i * 4 + j], uv[k], 0f, "value at " + k);
                want += wv[k];
              }
            }
            assertEquals(want, gv[bc * 20 + i * 4 + j], 1e-5f, "gradient at " + i + "," + j);
          }
        }
      }
    }
  }

  /**
   * Outside autograd (sampling) the networks overwrite their temporaries in place; inside it
   * they do not. Both paths give the same numbers, bit for bit, for UNet-S and the MLP, with one
   * time per sample and with one time for the batch.
   */
  @Test
  void inPlaceSamplingPathEqualsTheRecordedPath() {
    try (NDManager m = TestEngine.manager(2)) {
      EpsNetwork[] nets = {new UNetS(m), new ToyMlp(m, 32, 2)};
      Shape[] shapes = {new Shape(3, 1, 28, 28), new Shape(5, 2)};
      for (int k = 0; k < nets.length; k++) {
        ParameterStore p = nets[k].initParameters(m);
        NDArray x = m.randomNormal(shapes[k]);
        for (NDArray t : new NDArray[] {m.randomUniform(0f, 1f, new Shape(shapes[k].get(0))),
            m.create(new float[] {0.37f})}) {
          float[] inPlace = nets[k].forward(p, x, t).toFloatArray();
          float[] recorded;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            assertTrue(Ops.recording());
            recorded = nets[k].forward(p, x, t).toFloatArray();
          }
          assertTrue(!Ops.recording());
          org.junit.jupiter.api.Assertions.assertArrayEquals(recorded, inPlace,
              nets[k].architecture() + " with t of shape " + t.getShape());
        }
      }
    }
  }

  @Test
  void parameterCountsMatchTheReference() {
    try (NDManager m = TestEngine.manager(0)) {
      ParameterStore p = new UNetS(m).initParameters(m);
      assertEquals(793_953, p.parameterCount());
      // Sub-counts of the reference UNet-S (docs/reference.md, "The two architectures").
      assertEquals(4_224 + 16_512, count(p, "temb."));
      assertEquals(320, count(p, "conv_in."));
      assertEquals(45_504, count(p, "down0.rb"));
      assertEquals(9_248, count(p, "down0.conv."));
      assertEquals(148_352, count(p, "down1.rb"));
      assertEquals(36_928, count(p, "down1.conv."));
      assertEquals(82_368, count(p, "mid.rb0."));
      assertEquals(16_768, count(p, "mid.attn."));
      assertEquals(82_368, count(p, "mid.rb1."));
      assertEquals(36_928, count(p, "up1.conv."));
      assertEquals(209_984, count(p, "up1.rb"));
      assertEquals(36_928, count(p, "up0.conv."));
      assertEquals(67_168, count(p, "up0.rb"));
      assertEquals(64, count(p, "out.norm."));
      assertEquals(289, count(p, "out.conv."));
      // Names are checkpoint keys: spot-check the scheme and that only channel changes add skips.
      assertEquals(new Shape(32, 32, 3, 3), p.get("down0.rb0.conv1.w").getShape());
      assertEquals(new Shape(64, 32, 1, 1), p.get("down1.rb0.skip.w").getShape());
      assertEquals(new Shape(192, 64, 1, 1), p.get("mid.attn.qkv.w").getShape());
      assertEquals(new Shape(32), p.get("out.norm.g").getShape());
      long skips = p.asMap().keySet().stream().filter(k -> k.contains(".skip.")).count();
      assertEquals(6, skips); // down1.rb0, up1.rb0, up0.rb0: weight and bias each
    }
  }

  @Test
  void createdByName() {
    try (NDManager m = TestEngine.manager(0)) {
      TrainConfig c = new TrainConfig();
      c.architecture = "unet-s";
      EpsNetwork net = Networks.create(c, m);
      assertTrue(net instanceof UNetS);
      assertEquals("unet-s", net.architecture());
      assertEquals(new Shape(1, 28, 28), net.dataShape());
    }
  }

  @Test
  void forwardKeepsTheImageShape() {
    try (NDManager m = TestEngine.manager(1); NDManager constants = m.newSubManager()) {
      UNetS net = new UNetS(constants);
      ParameterStore p = net.initParameters(m);
      NDArray x;
      NDArray t;
      NDArray y;
      int stored = p.manager().getManagedArrays().size();
      int fixed = constants.getManagedArrays().size();
      try (NDManager batch = m.newSubManager()) {
        x = batch.randomNormal(new Shape(4, 1, 28, 28));
        t = batch.randomUniform(0f, 1f, new Shape(4));
        y = net.forward(p, x, t);
        // Intermediates belong to the batch's manager, not the long-lived parameter store's.
        assertEquals(stored, p.manager().getManagedArrays().size());
        assertEquals(fixed, constants.getManagedArrays().size());
        y.attach(m);
      }
      assertEquals(new Shape(4, 1, 28, 28), y.getShape());
      float[] v = y.toFloatArray();
      for (float f : v) {
        assertTrue(Float.isFinite(f));
      }
    }
  }

  @Test
  void gradientsReachEveryParameter() {
    try (NDManager m = TestEngine.manager(2)) {
      UNetS net = new UNetS(m);
      ParameterStore p = net.initParameters(m);
      p.requireGradients();
      NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
      NDArray t = m.create(new float[] {0.1f, 0.8f});
      // A random projection of the output, so no gradient cancels by symmetry.
      NDArray r = m.randomNormal(new Shape(2, 1, 28, 28));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(net.forward(p, x, t).mul(r).sum());
      }
      List<String> dead = new ArrayList<>();
      for (Map.Entry<String, NDArray> e : p.asMap().entrySet()) {
        try (NDArray g = e.getValue().getGradient()) {
          if (g.abs().max().getFloat() == 0f) {
            dead.add(e.getKey());
          }
        }
      }
      assertTrue(dead.isEmpty(), "parameters without gradient: " + dead);
    }
  }

  private static long count(ParameterStore p, String prefix) {
    long n = 0;
    for (Map.Entry<String, NDArray> e : p.asMap().entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        n += e.getValue().size();
      }
    }
    return n;
  }
}
