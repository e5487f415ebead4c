package dev.scoreflow.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * scoreflow's parameter names next to those of the PyTorch reference modules that the toy MLP
 * and UNet-S follow layer for layer (the peer benchmark's {@code ToyMLP} and {@code UNetS}), so
 * that exported weights load with {@code model.load_state_dict(..., strict=True)}.
 *
 * <p>Only the names differ. The layouts are already PyTorch's: Linear weights are [out, in],
 * Conv2d weights [out, in, kh, kw], biases and GroupNorm's scale and shift [C], all float32, so
 * no array is transposed or reshaped. scoreflow's {@code .w}/{@code .b} become {@code .weight}/
 * {@code .bias}, and a norm's {@code .g}/{@code .b} become {@code .weight}/{@code .bias}.
 */
public final class ReferenceNames {
  private ReferenceNames() {}

  /**
   * The reference name of every parameter of {@code names} (in their order, which for both
   * networks is the reference's {@code state_dict()} order), or empty when the architecture has
   * no PyTorch reference or the network is configured past it (a parameter the reference lacks):
   * its weights then keep scoreflow's own names.
   *
   * @throws IllegalStateException when two parameters map to one name (the table is stale)
   */
  public static Optional<Map<String, String>> of(String architecture, Iterable<String> names) {
    Map<String, String> layers;
    switch (architecture) {
      case "mlp":
        layers = mlpLayers();
        break;
      case UNetS.ARCHITECTURE:
        layers = unetLayers();
        break;
      default:
        return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : names) {
      int dot = name.lastIndexOf('.');
      String layer = dot < 0 ? null : layers.get(name.substring(0, dot));
      String suffix = dot < 0 ? "" : name.substring(dot + 1);
      String tensor = suffix.equals("w") || suffix.equals("g") ? "weight"
          : suffix.equals("b") ? "bias" : null;
      if (layer == null || tensor == null) {
        // Not the reference module's layout (a UNet configured past UNet-S's values, or a
        // class-conditional one): no reference module loads it, so it keeps its own names.
        // SafetensorsExportTest checks that the reference configurations map in full.
        return Optional.empty();
      }
      if (out.containsValue(layer + "." + tensor)) {
        throw new IllegalStateException(architecture + ": two parameters map to "
            + layer + "." + tensor);
      }
      out.put(name, layer + "." + tensor);
    }
    return Optional.of(out);
  }

  /** Whether {@link #of} can map this architecture to reference names (its reference layout). */
  public static boolean hasReference(String architecture) {
    return architecture.equals("mlp") || architecture.equals(UNetS.ARCHITECTURE);
  }

  /** ToyMLP: t1, t2 (time embedding), inp, mid.0-2, out. */
  private static Map<String, String> mlpLayers() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("temb.0", "t1");
    m.put("temb.1", "t2");
    m.put("in", "inp");
    for (int i = 0; i < 3; i++) {
      m.put("hidden." + i, "mid." + i);
    }
    m.put("out", "out");
    // A class-conditional MLP's table, named as an nn.Embedding called class_emb would be.
    m.put("class_emb", "class_emb");
    return m;
  }

  /**
   * UNetS: t1, t2, conv_in, d0.{0,1}, down0, d1.{0,1}, down1, mid1, mid_attn, mid2, up1.conv,
   * u1.{0,1}, up0.conv, u0.{0,1}, out_norm, out_conv; a ResBlock holds n1, c1, tp, n2, c2 and
   * (when cin != cout) skip; the attention holds norm, qkv, proj.
   */
  private static Map<String, String> unetLayers() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("temb.0", "t1");
    m.put("temb.1", "t2");
    m.put("conv_in", "conv_in");
    resBlocks(m, "down0", "d0");
    m.put("down0.conv", "down0");
    resBlocks(m, "down1", "d1");
    m.put("down1.conv", "down1");
    resBlock(m, "mid.rb0", "mid1");
    for (String part : new String[] {"norm", "qkv", "proj"}) {
      m.put("mid.attn." + part, "mid_attn." + part);
    }
    resBlock(m, "mid.rb1", "mid2");
    m.put("up1.conv", "up1.conv");
    resBlocks(m, "up1", "u1");
    m.put("up0.conv", "up0.conv");
    resBlocks(m, "up0", "u0");
    m.put("out.norm", "out_norm");
    m.put("out.conv", "out_conv");
    return m;
  }

  /** A level's two ResBlocks: {@code level.rbN} -> {@code list.N}. */
  private static void resBlocks(Map<String, String> m, String level, String list) {
    for (int i = 0; i < 2; i++) {
      resBlock(m, level + ".rb" + i, list + "." + i);
    }
  }

  private static void resBlock(Map<String, String> m, String from, String to) {
    m.put(from + ".norm1", to + ".n1");
    m.put(from + ".conv1", to + ".c1");
    m.put(from + ".temb", to + ".tp");
    m.put(from + ".norm2", to + ".n2");
    m.put(from + ".conv2", to + ".c2");
    m.put(from + ".skip", to + ".skip");
  }
}
