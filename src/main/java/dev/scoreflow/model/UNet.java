package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import dev.scoreflow.tensor.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * The image eps_theta: a UNet whose settings ({@link UNetSpec}) generalise the reference's
 * UNet-S, which it is, parameter for parameter and op for op, with the {@code unet-s} settings.
 * With base channels c, channel-mult m_0..m_{L-1}, R res-blocks, and C x H x W data:
 *
 * <pre>
 * temb = Linear(4c,4c)(SiLU(Linear(c,4c)(sinusoidal(t*1000, c))))   [+ class_emb[label]]
 * conv_in C->c
 * level i = 0..L-1 (H/2^i):  R x [RB -> c*m_i, attention if H/2^i listed] = s_i; conv stride 2
 * middle (H/2^L):            RB, attention if H/2^L listed, RB
 * level i = L-1..0:          nearest 2x + conv, concat s_i, R x [RB -> c*m_i, attention]
 * out: GroupNorm -> SiLU -> conv c->C
 * </pre>
 *
 * <p>Parameter names (checkpoint keys): {@code temb.0}, {@code temb.1}, {@code conv_in},
 * {@code down<i>.rb<j>}, {@code down<i>.attn<j>}, {@code down<i>.conv}, {@code mid.rb0},
 * {@code mid.attn}, {@code mid.rb1}, {@code up<i>.conv}, {@code up<i>.rb<j>}, {@code up<i>.attn<j>},
 * {@code out.norm}, {@code out.conv}, {@code class_emb}; each with {@code .w}/{@code .b} (norms:
 * {@code .g}/{@code .b}; the class table: {@code .w} only). UNet-S has exactly its old names.
 *
 * <p><b>Dropout</b> (before each res-block's second convolution, as in ADM) acts only while the
 * network is trained, and the network tells that from its arguments alone: autograd records
 * ({@link Ops#recording}) and its own weights take gradients. Sampling records nothing, and the
 * likelihood's divergence records but differentiates only x (its weights take no gradient), so
 * neither drops anything. The mask comes from the engine's generator, which the trainer seeds
 * per step, so a resumed run drops the same units.
 *
 * <p><b>Classes</b>: a class-conditional UNet (K classes) adds row {@code label} of a learned
 * [K + 1, 4c] table to the time embedding (ADM's label embedding); row K is the null class, used
 * for every sample when the labels are null.
 */
public class UNet implements EpsNetwork {
  private final UNetSpec spec;
  private final NDArray freqs;

  /** @param constants manager that owns the embedding frequencies; it lives as long as the net */
  public UNet(NDManager constants, UNetSpec spec) {
    this.spec = spec;
    this.freqs = Ops.sinusoidalFrequencies(constants, spec.embedDim());
  }

  public UNetSpec spec() {
    return spec;
  }

  @Override
  public String architecture() {
    return spec.architecture;
  }

  @Override
  public Shape dataShape() {
    return spec.dataShape();
  }

  @Override
  public int numClasses() {
    return spec.numClasses;
  }

  @Override
  public ParameterStore initParameters(NDManager manager) {
    // Creation order = module order (UNet-S: the reference's), so the store reads like the
    // network and a seeded UNet-S draws what it always drew.
    ParameterStore p = new ParameterStore(manager);
    int temb = spec.tembDim();
    int levels = spec.levels();
    Init.linear(p, "temb.0", spec.embedDim(), temb);
    Init.linear(p, "temb.1", temb, temb);
    Init.conv(p, "conv_in", spec.inChannels, spec.channels, 3);
    int ch = spec.channels;
    for (int i = 0; i < levels; i++) {
      int out = spec.levelChannels(i);
      for (int j = 0; j < spec.resBlocks; j++) {
        initResBlock(p, "down" + i + ".rb" + j, ch, out, temb);
        ch = out;
        if (spec.attentionAt(i)) {
          initAttention(p, "down" + i + ".attn" + j, ch);
        }
      }
      Init.conv(p, "down" + i + ".conv", ch, ch, 3);
    }
    initResBlock(p, "mid.rb0", ch, ch, temb);
    if (spec.attentionAt(levels)) {
      initAttention(p, "mid.attn", ch);
    }
    initResBlock(p, "mid.rb1", ch, ch, temb);
    for (int i = levels - 1; i >= 0; i--) {
      int out = spec.levelChannels(i);
      Init.conv(p, "up" + i + ".conv", ch, ch, 3);
      ch += out; // the skip s_i is concatenated
      for (int j = 0; j < spec.resBlocks; j++) {
        initResBlock(p, "up" + i + ".rb" + j, ch, out, temb);
        ch = out;
        if (spec.attentionAt(i)) {
          initAttention(p, "up" + i + ".attn" + j, ch);
        }
      }
    }
    Init.norm(p, "out.norm", ch);
    Init.conv(p, "out.conv", ch, spec.inChannels, 3);
    if (spec.numClasses > 0) {
      // Last, so every other weight is drawn as in the unconditional net of the same seed.
      // N(0, 1) as torch.nn.Embedding.
      p.put("class_emb.w", manager.randomNormal(new Shape(spec.numClasses + 1, temb)));
    }
    return p;
  }

  private static void initResBlock(ParameterStore p, String name, int cin, int cout, int temb) {
    Init.norm(p, name + ".norm1", cin);
    Init.conv(p, name + ".conv1", cin, cout, 3);
    Init.linear(p, name + ".temb", temb, cout);
    Init.norm(p, name + ".norm2", cout);
    Init.conv(p, name + ".conv2", cout, cout, 3);
    if (cin != cout) {
      Init.conv(p, name + ".skip", cin, cout, 1);
    }
  }

  private static void initAttention(ParameterStore p, String name, int c) {
    Init.norm(p, name + ".norm", c);
    Init.conv(p, name + ".qkv", c, 3 * c, 1);
    Init.conv(p, name + ".proj", c, c, 1);
  }

  @Override
  public NDArray forward(ParameterStore p, NDArray x, NDArray t) {
    return forward(p, x, t, null);
  }

  @Override
  public NDArray forward(ParameterStore p, NDArray x, NDArray t, NDArray labels) {
    if (labels != null && spec.numClasses == 0) {
      throw new IllegalArgumentException("the " + architecture()
          + " network is not class-conditional; train with --class-conditional");
    }
    NDArray emb = Ops.sinusoidal(t, freqs);
    NDArray temb = Ops.linear(p, "temb.1", Ops.silu(Ops.linear(p, "temb.0", emb)));
    if (spec.numClasses > 0) {
      temb = ClassEmbedding.addTo(temb, p.get("class_emb.w"), labels, x.getManager());
    }
    // Every ResBlock projects SiLU(temb); compute it once.
    NDArray tact = Ops.silu(temb);
    float drop = spec.dropout > 0 && Ops.differentiates(p.get("conv_in.w"))
        ? (float) spec.dropout : 0f;
    int levels = spec.levels();

    NDArray h = Ops.conv2d(p, "conv_in", x, 1, 1);
    List<NDArray> skips = new ArrayList<>();
    for (int i = 0; i < levels; i++) {
      for (int j = 0; j < spec.resBlocks; j++) {
        h = resBlock(p, "down" + i + ".rb" + j, h, tact, drop);
        if (spec.attentionAt(i)) {
          h = attention(p, "down" + i + ".attn" + j, h);
        }
      }
      skips.add(h); // s_i
      h = Ops.conv2d(p, "down" + i + ".conv", h, 2, 1);
    }

    h = resBlock(p, "mid.rb0", h, tact, drop);
    if (spec.attentionAt(levels)) {
      h = attention(p, "mid.attn", h);
    }
    h = resBlock(p, "mid.rb1", h, tact, drop);

    for (int i = levels - 1; i >= 0; i--) {
      h = NDArrays.concat(new NDList(up(p, "up" + i + ".conv", h), skips.get(i)), 1);
      for (int j = 0; j < spec.resBlocks; j++) {
        h = resBlock(p, "up" + i + ".rb" + j, h, tact, drop);
        if (spec.attentionAt(i)) {
          h = attention(p, "up" + i + ".attn" + j, h);
        }
      }
    }

    h = Ops.silu(GroupNorm.apply(p, "out.norm", h, spec.groups));
    return Ops.conv2d(p, "out.conv", h, 1, 1);
  }

  /**
   * skip(x) + conv2(Dropout(SiLU(GN(conv1(SiLU(GN(x))) + temb projection)))); dropout only
   * when {@code drop} > 0, i.e. while training.
   */
  private NDArray resBlock(ParameterStore p, String name, NDArray x, NDArray tact, float drop) {
    int groups = spec.groups;
    NDArray h = Ops.conv2d(p, name + ".conv1", Ops.silu(GroupNorm.apply(p, name + ".norm1", x,
        groups)), 1, 1);
    NDArray proj = Ops.linear(p, name + ".temb", tact); // [B, cout]
    NDArray projection = proj.reshape(proj.getShape().get(0), proj.getShape().get(1), 1, 1);
    h = Ops.plus(h, projection);
    NDArray a = Ops.silu(GroupNorm.apply(p, name + ".norm2", h, groups));
    if (drop > 0) {
      a = Dropout.dropout(a, drop, true).singletonOrThrow();
    }
    h = Ops.conv2d(p, name + ".conv2", a, 1, 1);
    long cin = x.getShape().get(1);
    long cout = h.getShape().get(1);
    NDArray skip = cin != cout ? Ops.conv2d(p, name + ".skip", x, 1, 0) : x;
    return Ops.plus(h, skip);
  }

  /** Single-head self-attention over the H*W positions, with a residual connection. */
  private NDArray attention(ParameterStore p, String name, NDArray x) {
    Shape s = x.getShape();
    long b = s.get(0);
    long c = s.get(1);
    long n = s.get(2) * s.get(3);
    NDArray qkv = Ops.conv2d(p, name + ".qkv", GroupNorm.apply(p, name + ".norm", x, spec.groups),
        1, 0).reshape(b, 3 * c, n);
    NDList parts = qkv.split(3, 1); // channels [0,c) q, [c,2c) k, [2c,3c) v: as the reference
    NDArray q = parts.get(0);
    NDArray k = parts.get(1);
    NDArray v = parts.get(2);
    // Not div(Number): DJL makes that scalar over a direct buffer it frees at once, although
    // autograd keeps it for the backward pass (garbage gradients once the GC ran, seen as NaN in
    // the ODE likelihood); and on a GPU it is a host upload. Scalars' constant owns its storage.
    NDArray logits = Scalars.div(q.transpose(0, 2, 1).batchMatMul(k), Math.sqrt(c)); // q_i.k_j
    NDArray attn = logits.softmax(2);
    NDArray out = v.batchMatMul(attn.transpose(0, 2, 1)).reshape(s); // out_i = sum_j a_ij v_j
    return x.add(Ops.conv2d(p, name + ".proj", out, 1, 0));
  }

  /** Nearest-neighbour 2x then a 3x3 conv. */
  private static NDArray up(ParameterStore p, String name, NDArray x) {
    return Ops.conv2d(p, name, Ops.upsampleNearest2x(x), 1, 1);
  }
}
