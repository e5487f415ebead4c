package dev.scoreflow.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.scoreflow.TestEngine;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.spec.TrainConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --format safetensors}: the file's own header (8-byte little-endian length, then
 * JSON) names exactly the tensors of the PyTorch reference modules' state_dict(), each float32
 * with the reference's shape, back to back; the parameter counts are the reference's; the data
 * are the exported weights; and scoreflow reads the folder back bit for bit.
 *
 * <p>The expected names and shapes are written out here from the reference's architecture
 * (ToyMLP: t1, t2, inp, mid.0-2, out; UNetS: t1, t2, conv_in, d0, down0, d1, down1, mid1,
 * mid_attn, mid2, up1, u1, up0, u0, out_norm, out_conv), independently of the mapping code.
 */
class SafetensorsExportTest {
  @TempDir Path tmp;

  /** Reference tensor name -> shape, in state_dict() order. */
  private static final class Expected {
    final Map<String, long[]> shapes = new LinkedHashMap<>();

    Expected linear(String name, long in, long out) {
      shapes.put(name + ".weight", new long[] {out, in});
      shapes.put(name + ".bias", new long[] {out});
      return this;
    }

    Expected conv(String name, long in, long out, long k) {
      shapes.put(name + ".weight", new long[] {out, in, k, k});
      shapes.put(name + ".bias", new long[] {out});
      return this;
    }

    Expected groupNorm(String name, long c) {
      shapes.put(name + ".weight", new long[] {c});
      shapes.put(name + ".bias", new long[] {c});
      return this;
    }

    /** ResBlock(cin, cout): n1, c1, tp (Linear(128, cout)), n2, c2, skip when cin != cout. */
    Expected resBlock(String name, long cin, long cout) {
      groupNorm(name + ".n1", cin).conv(name + ".c1", cin, cout, 3).linear(name + ".tp", 128, cout)
          .groupNorm(name + ".n2", cout).conv(name + ".c2", cout, cout, 3);
      return cin != cout ? conv(name + ".skip", cin, cout, 1) : this;
    }

    long count() {
      return shapes.values().stream().mapToLong(s -> Arrays.stream(s).reduce(1, (a, b) -> a * b))
          .sum();
    }
  }

  static Expected toyMlp() {
    Expected e = new Expected().linear("t1", 128, 256).linear("t2", 256, 256).linear("inp", 2, 256);
    for (int i = 0; i < 3; i++) {
      e.linear("mid." + i, 256, 256);
    }
    return e.linear("out", 256, 2);
  }

  static Expected unetS() {
    return new Expected().linear("t1", 32, 128).linear("t2", 128, 128).conv("conv_in", 1, 32, 3)
        .resBlock("d0.0", 32, 32).resBlock("d0.1", 32, 32).conv("down0", 32, 32, 3)
        .resBlock("d1.0", 32, 64).resBlock("d1.1", 64, 64).conv("down1", 64, 64, 3)
        .resBlock("mid1", 64, 64).groupNorm("mid_attn.norm", 64).conv("mid_attn.qkv", 64, 192, 1)
        .conv("mid_attn.proj", 64, 64, 1).resBlock("mid2", 64, 64)
        .conv("up1.conv", 64, 64, 3).resBlock("u1.0", 128, 64).resBlock("u1.1", 64, 64)
        .conv("up0.conv", 64, 64, 3).resBlock("u0.0", 96, 32).resBlock("u0.1", 32, 32)
        .groupNorm("out_norm", 32).conv("out_conv", 32, 1, 3);
  }

  @Test
  void toyMlpHasTheReferenceNamesShapesAndCount() throws Exception {
    Expected e = toyMlp();
    assertEquals(297_474, e.count(), "the expected table itself");
    // scoreflow name -> reference name, a few spot checks that the data went to the right tensor
    check("gmm8", e, Map.of("temb.0.w", "t1.weight", "in.w", "inp.weight", "hidden.2.b",
        "mid.2.bias", "out.w", "out.weight"));
  }

  @Test
  void unetSHasTheReferenceNamesShapesAndCount() throws Exception {
    Expected e = unetS();
    assertEquals(793_953, e.count(), "the expected table itself");
    check("mnist", e, Map.of("temb.1.w", "t2.weight", "down1.rb0.skip.w", "d1.0.skip.weight",
        "down1.conv.w", "down1.weight", "mid.attn.qkv.w", "mid_attn.qkv.weight",
        "mid.rb1.temb.b", "mid2.tp.bias", "up0.rb0.norm1.g", "u0.0.n1.weight",
        "up1.conv.w", "up1.conv.weight", "out.norm.b", "out_norm.bias"));
  }

  private void check(String data, Expected expected, Map<String, String> spots) throws Exception {
    TrainConfig c = TrainConfig.defaultsFor(data);
    Path dir = tmp.resolve(data);
    try (NDManager m = TestEngine.manager(5);
        ParameterStore layout = Networks.create(c, m).initParameters(m);
        ParameterStore weights = new ParameterStore(m)) {
      // Distinct random values everywhere (GroupNorm starts at ones and zeros), so a tensor
      // written under the wrong name cannot match by accident.
      for (Map.Entry<String, NDArray> p : layout.asMap().entrySet()) {
        weights.put(p.getKey(), m.randomNormal(p.getValue().getShape()));
      }
      LoadedModel.export(c, weights, dir, WeightsFormat.SAFETENSORS);

      byte[] file = Files.readAllBytes(dir.resolve("ema.safetensors"));
      ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
      long n = buf.getLong(0);
      JsonObject header = JsonParser.parseString(
          new String(file, 8, Math.toIntExact(n), StandardCharsets.UTF_8)).getAsJsonObject();
      long dataStart = 8 + n;

      Set<String> missing = new TreeSet<>(expected.shapes.keySet());
      missing.removeAll(header.keySet());
      Set<String> unexpected = new TreeSet<>(header.keySet());
      unexpected.removeAll(expected.shapes.keySet());
      assertTrue(missing.isEmpty() && unexpected.isEmpty(),
          "tensor names: missing " + missing + ", unexpected " + unexpected);
      long params = 0;
      List<long[]> ranges = new ArrayList<>();
      for (Map.Entry<String, long[]> want : expected.shapes.entrySet()) {
        JsonObject t = header.getAsJsonObject(want.getKey());
        assertEquals("F32", t.get("dtype").getAsString(), want.getKey());
        assertArrayEquals(want.getValue(), longs(t.getAsJsonArray("shape")), want.getKey());
        long[] off = longs(t.getAsJsonArray("data_offsets"));
        long size = Arrays.stream(want.getValue()).reduce(1, (a, b) -> a * b);
        assertEquals(4 * size, off[1] - off[0], want.getKey() + " byte range");
        ranges.add(off);
        params += size;
      }
      assertEquals(expected.count(), params, "parameter count");
      assertEquals(layout.parameterCount(), params, "scoreflow's own count");
      // The data follow the header back to back, in state_dict() order, and end the file.
      long at = 0;
      for (long[] r : ranges) {
        assertEquals(at, r[0], "tensors are contiguous, in order");
        at = r[1];
      }
      assertEquals(file.length, dataStart + at, "file size");

      for (Map.Entry<String, String> spot : spots.entrySet()) {
        long[] off = longs(header.getAsJsonObject(spot.getValue()).getAsJsonArray("data_offsets"));
        float[] inFile = new float[(int) ((off[1] - off[0]) / 4)];
        for (int i = 0; i < inFile.length; i++) {
          inFile[i] = buf.getFloat(Math.toIntExact(dataStart + off[0] + 4L * i));
        }
        assertArrayEquals(weights.get(spot.getKey()).toFloatArray(), inFile, 0f,
            spot.getKey() + " -> " + spot.getValue());
      }

      Manifest manifest = Manifest.verify(dir);
      assertEquals(List.of("config.json", "ema.safetensors"), List.copyOf(manifest.files.keySet()));
      assertEquals(file.length, manifest.files.get("ema.safetensors").size);

      // scoreflow reads the folder back: every parameter bit for bit.
      try (LoadedModel back = LoadedModel.fromModelDir(dir, m)) {
        for (Map.Entry<String, NDArray> p : weights.asMap().entrySet()) {
          assertArrayEquals(p.getValue().toFloatArray(), back.weights().get(p.getKey()).toFloatArray(),
              0f, p.getKey());
        }
      }

      // The default format is still ndlist, and a re-export replaces the safetensors file.
      LoadedModel.export(c, weights, dir);
      assertTrue(Files.exists(dir.resolve("ema.ndlist")));
      assertFalse(Files.exists(dir.resolve("ema.safetensors")));
      assertEquals(List.of("config.json", "ema.ndlist"),
          List.copyOf(Manifest.verify(dir).files.keySet()));
    }
  }

  private static long[] longs(JsonArray a) {
    long[] v = new long[a.size()];
    int i = 0;
    for (JsonElement e : a) {
      v[i++] = e.getAsLong();
    }
    return v;
  }
}
