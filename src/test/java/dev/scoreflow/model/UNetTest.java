package dev.scoreflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.scoreflow.spec.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The configurable UNet: presets and their parameter counts (counted here layer by layer from
 * the architecture's description, not read from the code), shapes for several data shapes, the
 * model flags' checks, dropout only while training, and the class embedding.
 */
class UNetTest {

  static TrainConfig config(String arch, long... shape) {
    TrainConfig c = new TrainConfig();
    c.architecture = arch;
    c.data = "idx:somewhere";
    c.dataShape = shape;
    return c;
  }

  // ---- Parameter counts from the description in UNet's class comment. ----

  private static long conv(long in, long out, long k) {
    return out * in * k * k + out;
  }

  private static long linear(long in, long out) {
    return out * in + out;
  }

  private static long resBlock(long in, long out, long temb) {
    return 2 * in + conv(in, out, 3) + linear(temb, out) + 2 * out + conv(out, out, 3)
        + (in != out ? conv(in, out, 1) : 0);
  }

  private static long attention(long c) {
    return 2 * c + conv(c, 3 * c, 1) + conv(c, c, 1);
  }

  /** The parameter count of a UNet described by these values. */
  static long expectedCount(int inChannels, int c, int[] mult, int blocks, boolean[] attn,
      int classes) {
    long temb = 4L * c;
    long n = linear(c, temb) + linear(temb, temb) + conv(inChannels, c, 3);
    long ch = c;
    List<Long> levelOut = new ArrayList<>();
    for (int i = 0; i < mult.length; i++) {
      long out = (long) c * mult[i];
      for (int j = 0; j < blocks; j++) {
        n += resBlock(ch, out, temb) + (attn[i] ? attention(out) : 0);
        ch = out;
      }
      levelOut.add(out);
      n += conv(ch, ch, 3);
    }
    n += 2 * resBlock(ch, ch, temb) + (attn[mult.length] ? attention(ch) : 0);
    for (int i = mult.length - 1; i >= 0; i--) {
      n += conv(ch, ch, 3);
      ch += levelOut.get(i);
      for (int j = 0; j < blocks; j++) {
        n += resBlock(ch, levelOut.get(i), temb) + (attn[i] ? attention(levelOut.get(i)) : 0);
        ch = levelOut.get(i);
      }
    }
    n += 2 * ch + conv(ch, inChannels, 3);
    return n + (classes > 0 ? (classes + 1) * temb : 0);
  }

  @Test
  void presetsHaveTheirParameterCounts() {
    try (NDManager m = TestEngine.manager(0)) {
      // unet-s and unet on 1x28x28: the reference UNet-S, with its names and shapes.
      ParameterStore s = Networks.create(config("unet-s", 1, 28, 28), m).initParameters(m);
      assertEquals(793_953, s.parameterCount());
      assertEquals(793_953, expectedCount(1, 32, new int[] {1, 2}, 2,
          new boolean[] {false, false, true}, 0), "the counting rule itself");
      ParameterStore u = Networks.create(config("unet", 1, 28, 28), m).initParameters(m);
      assertEquals(s.asMap().keySet(), u.asMap().keySet());
      for (Map.Entry<String, NDArray> e : s.asMap().entrySet()) {
        assertEquals(e.getValue().getShape(), u.get(e.getKey()).getShape(), e.getKey());
      }
      // unet-m on 3x32x32: 48 channels x (1, 2, 2), attention at 16 and 8; documented in README.
      EpsNetwork net = Networks.create(config("unet-m", 3, 32, 32), m);
      long count = net.initParameters(m).parameterCount();
      assertEquals(expectedCount(3, 48, new int[] {1, 2, 2}, 2,
          new boolean[] {false, true, true, false}, 0), count);
      assertEquals(3_053_811, count, "README's figure for unet-m");
      // A conditional unet-m adds a (10 + 1) x 192 table and nothing else.
      TrainConfig cond = config("unet-m", 3, 32, 32);
      cond.classConditional = true;
      cond.classNames = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
      assertEquals(count + 11 * 192,
          Networks.create(cond, m).initParameters(m).parameterCount());
    }
  }

  @Test
  void flagsOverThePresetChangeTheCount() {
    TrainConfig c = config("unet", 3, 16, 24);
    c.modelChannels = 16;
    c.channelMult = new int[] {1, 3};
    c.resBlocks = 1;
    c.attentionRes = new int[] {8};
    c.groups = 4;
    try (NDManager m = TestEngine.manager(0)) {
      EpsNetwork net = Networks.create(c, m);
      assertEquals(new Shape(3, 16, 24), net.dataShape());
      assertEquals(expectedCount(3, 16, new int[] {1, 3}, 1, new boolean[] {false, true, false},
          0), net.initParameters(m).parameterCount());
    }
  }

  /** Forward keeps every data shape, with one time per sample and one for the batch. */
  @Test
  void forwardKeepsTheShapeOfTheData() {
    List<TrainConfig> configs = new ArrayList<>();
    configs.add(config("unet", 1, 28, 28));
    TrainConfig small = config("unet-m", 3, 32, 32);
    small.modelChannels = 8; // unet-m's layout (attention at 16, 8) at a test's width
    configs.add(small);
    TrainConfig nonSquare = config("unet", 3, 16, 24);
    nonSquare.modelChannels = 8;
    nonSquare.attentionRes = new int[] {8, 4};
    configs.add(nonSquare);
    TrainConfig sixteen = config("unet", 3, 16, 16);
    sixteen.modelChannels = 8;
    sixteen.channelMult = new int[] {1, 2, 2, 2};
    sixteen.attentionRes = new int[] {16, 1};
    sixteen.groups = 2;
    configs.add(sixteen);
    try (NDManager m = TestEngine.manager(1)) {
      for (TrainConfig c : configs) {
        EpsNetwork net = Networks.create(c, m);
        ParameterStore p = net.initParameters(m);
        Shape shape = new Shape(3).addAll(new Shape(c.dataShape));
        NDArray x = m.randomNormal(shape);
        for (NDArray t : new NDArray[] {m.randomUniform(0f, 1f, new Shape(3)),
            m.create(new float[] {0.4f})}) {
          NDArray y = net.forward(p, x, t);
          assertEquals(shape, y.getShape(), c.architecture + " " + new Shape(c.dataShape));
          for (float f : y.toFloatArray()) {
            assertTrue(Float.isFinite(f));
          }
        }
      }
    }
  }

  /** Level attention, dropout and the class table all get gradients (no dead parameter). */
  @Test
  void gradientsReachEveryParameter() {
    TrainConfig c = config("unet", 2, 8, 8);
    c.modelChannels = 4;
    c.attentionRes = new int[] {8, 4, 2};
    c.groups = 2;
    c.dropout = 0.2;
    c.classConditional = true;
    c.classNames = List.of("a", "b");
    try (NDManager m = TestEngine.manager(2)) {
      UNet net = (UNet) Networks.create(c, m);
      ParameterStore p = net.initParameters(m);
      p.requireGradients();
      NDArray x = m.randomNormal(new Shape(6, 2, 8, 8));
      NDArray t = m.randomUniform(0f, 1f, new Shape(6));
      NDArray labels = m.create(new int[] {0, 1, 2, 0, 1, 2}); // every row, the null one too
      NDArray r = m.randomNormal(new Shape(6, 2, 8, 8));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(net.forward(p, x, t, labels).mul(r).sum());
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
      assertTrue(p.asMap().containsKey("down1.attn0.qkv.w"));
      assertTrue(p.asMap().containsKey("up0.attn1.proj.w"));
      assertTrue(p.asMap().containsKey("mid.attn.norm.g"));
    }
  }

  /**
   * Outside autograd the UNet overwrites its temporaries in place; the numbers equal the recorded
   * path's bit for bit, with level attention and class labels (and the null row, a view of the
   * table that must never be written).
   */
  @Test
  void inPlacePathEqualsTheRecordedPath() {
    TrainConfig c = config("unet", 3, 16, 16);
    c.modelChannels = 8;
    c.attentionRes = new int[] {8, 4};
    c.classConditional = true;
    c.classNames = List.of("a", "b");
    try (NDManager m = TestEngine.manager(6)) {
      EpsNetwork net = Networks.create(c, m);
      ParameterStore p = net.initParameters(m);
      float[] table = p.get("class_emb.w").toFloatArray();
      NDArray x = m.randomNormal(new Shape(3, 3, 16, 16));
      NDArray labels = m.create(new int[] {1, 0, 2});
      for (NDArray t : new NDArray[] {m.randomUniform(0f, 1f, new Shape(3)),
          m.create(new float[] {0.6f})}) {
        for (NDArray l : new NDArray[] {labels, null}) {
          float[] inPlace = net.forward(p, x, t, l).toFloatArray();
          float[] recorded;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            recorded = net.forward(p, x, t, l).toFloatArray();
          }
          assertArrayEquals(recorded, inPlace, "t " + t.getShape() + ", labels " + l);
        }
      }
      assertArrayEquals(table, p.get("class_emb.w").toFloatArray(), "the class table is intact");
    }
  }

  // ---- The flags' checks. ----

  private static void assertRefused(String flag, Consumer<TrainConfig> change, String arch,
      long... shape) {
    TrainConfig c = config(arch, shape);
    change.accept(c);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Networks.validate(c));
    assertTrue(e.getMessage().startsWith(flag) || e.getMessage().contains(flag + " "),
        flag + " expected in: " + e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    try (NDManager m = TestEngine.manager(0)) {
      assertThrows(IllegalArgumentException.class, () -> Networks.create(c, m));
    }
  }

  @Test
  void badModelFlagsAreOneLineErrorsNamingTheFlag() {
    assertRefused("--channel-mult", c -> c.channelMult = new int[] {1, 2, 2}, "unet", 1, 28, 28);
    assertRefused("--channel-mult", c -> { }, "unet-m", 1, 28, 28); // the preset's 3 levels
    assertRefused("--channel-mult", c -> c.channelMult = new int[] {1, 0}, "unet", 1, 28, 28);
    assertRefused("--channel-mult", c -> c.channelMult = new int[0], "unet", 1, 28, 28);
    assertRefused("--attention-res", c -> c.attentionRes = new int[] {16}, "unet", 1, 28, 28);
    assertRefused("--attention-res", c -> c.attentionRes = new int[] {14, 3}, "unet-s", 1, 28, 28);
    assertRefused("--groups", c -> c.groups = 5, "unet", 1, 28, 28);
    assertRefused("--groups", c -> c.modelChannels = 12, "unet-m", 3, 32, 32); // 12 % 8
    assertRefused("--groups", c -> c.groups = -1, "unet", 1, 28, 28);
    assertRefused("--model-channels", c -> c.modelChannels = -8, "unet", 1, 28, 28);
    assertRefused("--res-blocks", c -> c.resBlocks = -1, "unet", 1, 28, 28);
    assertRefused("--dropout", c -> c.dropout = 1.0, "unet", 1, 28, 28);
    assertRefused("--dropout", c -> c.dropout = -0.1, "unet", 1, 28, 28);
    assertRefused("--arch", c -> { }, "unet-s", 2); // a UNet on points
    assertRefused("--arch", c -> { }, "mlp", 1, 28, 28); // the MLP on images
    assertRefused("--arch", c -> { }, "unet-xl", 1, 28, 28);
    assertRefused("--model-channels", c -> c.modelChannels = 64, "mlp", 2);
    assertRefused("--dropout", c -> c.dropout = 0.1, "mlp", 2);
    assertRefused("--class-conditional", c -> c.classConditional = true, "unet", 1, 28, 28);
    // and what is fine passes
    TrainConfig ok = config("unet", 3, 16, 24);
    ok.channelMult = new int[] {1, 2, 2};
    ok.attentionRes = new int[] {8, 4, 2};
    Networks.validate(ok);
  }

  @Test
  void shapeChecksWaitForTheDataShape() {
    // Before the data are read (no shape recorded) only the shape-free checks run ...
    TrainConfig c = config("unet-m");
    c.dataShape = null;
    c.data = "idx:folder-not-read-yet";
    Networks.validate(c);
    c.groups = 5; // divides none of unet-m's widths
    assertThrows(IllegalArgumentException.class, () -> Networks.validate(c));
    // ... and a 2-D set is known to be points without reading anything.
    TrainConfig points = config("unet-s");
    points.dataShape = null;
    points.data = "gmm8";
    assertThrows(IllegalArgumentException.class, () -> Networks.validate(points));
  }

  // ---- Dropout. ----

  @Test
  void dropoutActsOnlyWhenTheWeightsAreTrained() {
    TrainConfig c = config("unet", 1, 8, 8);
    c.modelChannels = 8;
    c.dropout = 0.5;
    TrainConfig plain = config("unet", 1, 8, 8);
    plain.modelChannels = 8;
    try (NDManager m = TestEngine.manager(3)) {
      EpsNetwork dropping = Networks.create(c, m);
      EpsNetwork none = Networks.create(plain, m);
      ParameterStore p = dropping.initParameters(m);
      NDArray x = m.randomNormal(new Shape(4, 1, 8, 8));
      NDArray t = m.randomUniform(0f, 1f, new Shape(4));
      float[] reference = none.forward(p, x, t).toFloatArray();
      // Sampling: nothing records; identical to the network without dropout.
      assertArrayEquals(reference, dropping.forward(p, x, t).toFloatArray());
      // The likelihood: autograd records, but only x takes gradients.
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray leaf = x.duplicate();
        leaf.setRequiresGradient(true);
        assertArrayEquals(reference, dropping.forward(p, leaf, t).toFloatArray());
      }
      // Training: the weights take gradients; masks differ per call and follow the seed.
      ParameterStore trained = p.copy(m);
      trained.requireGradients();
      float[] a;
      float[] b;
      float[] again;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        ScoreflowEngine.seed(11);
        a = dropping.forward(trained, x, t).toFloatArray();
        b = dropping.forward(trained, x, t).toFloatArray();
        ScoreflowEngine.seed(11);
        again = dropping.forward(trained, x, t).toFloatArray();
        float[] noDrop = none.forward(trained, x, t).toFloatArray();
        assertArrayEquals(reference, noDrop, 1e-6f);
      }
      assertTrue(maxDiff(a, reference) > 1e-3, "dropout changed nothing while training");
      assertTrue(maxDiff(a, b) > 1e-3, "two training passes drew the same mask");
      assertArrayEquals(a, again, "the mask comes from the seeded engine generator");
    }
  }

  // ---- Class embedding. ----

  @Test
  void conditionalOutputDependsOnTheLabelAndTheNullClassIsNoLabel() {
    TrainConfig c = config("unet", 3, 16, 16);
    c.modelChannels = 8;
    c.classConditional = true;
    c.classNames = List.of("cat", "dog", "fox");
    try (NDManager m = TestEngine.manager(4)) {
      EpsNetwork net = Networks.create(c, m);
      assertEquals(3, net.numClasses());
      ParameterStore p = net.initParameters(m);
      assertEquals(new Shape(4, 32), p.get("class_emb.w").getShape());
      NDArray x = m.randomNormal(new Shape(4, 3, 16, 16));
      NDArray t = m.randomUniform(0f, 1f, new Shape(4));
      float[][] byClass = new float[4][];
      for (int k = 0; k <= 3; k++) {
        byClass[k] = net.forward(p, x, t, m.full(new Shape(4), k, DataType.INT32)).toFloatArray();
      }
      for (int k = 0; k < 3; k++) {
        for (int j = k + 1; j <= 3; j++) {
          assertTrue(maxDiff(byClass[k], byClass[j]) > 1e-3, "classes " + k + " and " + j);
        }
      }
      // labels == null is the null class K, for one time per sample and one for the batch.
      assertArrayEquals(byClass[3], net.forward(p, x, t, null).toFloatArray(), 1e-5f);
      assertArrayEquals(byClass[3], net.forward(p, x, t).toFloatArray(), 1e-5f);
      NDArray t1 = m.create(new float[] {0.3f});
      assertArrayEquals(net.forward(p, x, t1, m.full(new Shape(4), 3, DataType.INT32))
          .toFloatArray(), net.forward(p, x, t1, null).toFloatArray(), 1e-5f);
      // Mixed labels: each sample gets its own row (row i of the mixed batch equals row i of
      // the batch that is all of sample i's class).
      int[] mixed = {2, 0, 3, 1};
      float[] out = net.forward(p, x, t, m.create(mixed)).toFloatArray();
      int per = 3 * 16 * 16;
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < per; j++) {
          assertEquals(byClass[mixed[i]][i * per + j], out[i * per + j], 1e-5f,
              "sample " + i + " (class " + mixed[i] + ")");
        }
      }
      // An unconditional UNet refuses labels.
      EpsNetwork plain = Networks.create(config("unet", 3, 16, 16), m);
      ParameterStore q = plain.initParameters(m);
      assertThrows(IllegalArgumentException.class,
          () -> plain.forward(q, x, t, m.full(new Shape(4), 0, DataType.INT32)));
    }
  }

  @Test
  void conditionalNetDrawsTheUnconditionalWeightsFirst() {
    // Same seed: every weight but the class table equals the unconditional network's.
    TrainConfig c = config("unet", 1, 8, 8);
    c.modelChannels = 8;
    TrainConfig cond = config("unet", 1, 8, 8);
    cond.modelChannels = 8;
    cond.classConditional = true;
    cond.classNames = List.of("x", "y");
    try (NDManager m = TestEngine.manager(5)) {
      ScoreflowEngine.seed(9);
      ParameterStore a = Networks.create(c, m).initParameters(m);
      ScoreflowEngine.seed(9);
      ParameterStore b = Networks.create(cond, m).initParameters(m);
      assertEquals(a.asMap().size() + 1, b.asMap().size());
      for (Map.Entry<String, NDArray> e : a.asMap().entrySet()) {
        assertArrayEquals(e.getValue().toFloatArray(), b.get(e.getKey()).toFloatArray(),
            e.getKey());
      }
      assertNotEquals(0f, b.get("class_emb.w").abs().sum().getFloat());
    }
  }

  static double maxDiff(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
