package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.Scalars;

/**
 * UNet-S, the image eps_theta of shared/peer/README.md, layer for layer with the PyTorch
 * reference (793,953 parameters) for 1x28x28 images:
 *
 * <pre>
 * temb = Linear(128,128)(SiLU(Linear(32,128)(sinusoidal(t*1000, 32))))
 * conv_in 1->32 | down0: RB(32,32) RB(32,32) = s0, conv s2 -> 14x14
 * down1: RB(32,64) RB(64,64) = s1, conv s2 -> 7x7 | mid: RB(64,64) Attn(64) RB(64,64)
 * up1: 2x + conv, cat s1, RB(128,64) RB(64,64) | up0: 2x + conv, cat s0, RB(96,32) RB(32,32)
 * out: GroupNorm(8,32) -> SiLU -> conv 32->1
 * </pre>
 *
 * <p>Parameter names (checkpoint keys) follow the layout: {@code temb.0}, {@code conv_in},
 * {@code down0.rb0.conv1}, {@code down0.conv}, {@code mid.attn.qkv}, {@code up1.conv},
 * {@code out.norm}, ..., each with {@code .w}/{@code .b} (norms: {@code .g}/{@code .b}).
 */
public final class UNetS implements EpsNetwork {
  public static final String ARCHITECTURE = "unet-s";
  public static final int EMBED_DIM = 32;
  public static final int TEMB = 128;
  public static final int GROUPS = 8;
  private static final int C0 = 32;
  private static final int C1 = 64;

  private final NDArray freqs;

  /** @param constants manager that owns the embedding frequencies; it lives as long as the net */
  public UNetS(NDManager constants) {
    this.freqs = Ops.sinusoidalFrequencies(constants, EMBED_DIM);
  }

  @Override
  public String architecture() {
    return ARCHITECTURE;
  }

  @Override
  public Shape dataShape() {
    return new Shape(1, 28, 28);
  }

  @Override
  public ParameterStore initParameters(NDManager manager) {
    // Creation order = the reference's module order, so the store reads like the network.
    ParameterStore p = new ParameterStore(manager);
    Init.linear(p, "temb.0", EMBED_DIM, TEMB);
    Init.linear(p, "temb.1", TEMB, TEMB);
    Init.conv(p, "conv_in", 1, C0, 3);
    initResBlock(p, "down0.rb0", C0, C0);
    initResBlock(p, "down0.rb1", C0, C0);
    Init.conv(p, "down0.conv", C0, C0, 3);
    initResBlock(p, "down1.rb0", C0, C1);
    initResBlock(p, "down1.rb1", C1, C1);
    Init.conv(p, "down1.conv", C1, C1, 3);
    initResBlock(p, "mid.rb0", C1, C1);
    Init.norm(p, "mid.attn.norm", C1);
    Init.conv(p, "mid.attn.qkv", C1, 3 * C1, 1);
    Init.conv(p, "mid.attn.proj", C1, C1, 1);
    initResBlock(p, "mid.rb1", C1, C1);
    Init.conv(p, "up1.conv", C1, C1, 3);
    initResBlock(p, "up1.rb0", C1 + C1, C1);
    initResBlock(p, "up1.rb1", C1, C1);
    Init.conv(p, "up0.conv", C1, C1, 3);
    initResBlock(p, "up0.rb0", C1 + C0, C0);
    initResBlock(p, "up0.rb1", C0, C0);
    Init.norm(p, "out.norm", C0);
    Init.conv(p, "out.conv", C0, 1, 3);
    return p;
  }

  private static void initResBlock(ParameterStore p, String name, int cin, int cout) {
    Init.norm(p, name + ".norm1", cin);
    Init.conv(p, name + ".conv1", cin, cout, 3);
    Init.linear(p, name + ".temb", TEMB, cout);
    Init.norm(p, name + ".norm2", cout);
    Init.conv(p, name + ".conv2", cout, cout, 3);
    if (cin != cout) {
      Init.conv(p, name + ".skip", cin, cout, 1);
    }
  }

  @Override
  public NDArray forward(ParameterStore p, NDArray x, NDArray t) {
    NDArray emb = Ops.sinusoidal(t, freqs);
    NDArray temb = Ops.linear(p, "temb.1", Ops.silu(Ops.linear(p, "temb.0", emb)));
    // Every ResBlock projects SiLU(temb); compute it once instead of 12 times.
    NDArray tact = Ops.silu(temb);

    NDArray h = Ops.conv2d(p, "conv_in", x, 1, 1);
    h = resBlock(p, "down0.rb0", h, tact);
    NDArray s0 = resBlock(p, "down0.rb1", h, tact); // 32 x 28 x 28
    h = Ops.conv2d(p, "down0.conv", s0, 2, 1); // 14 x 14
    h = resBlock(p, "down1.rb0", h, tact);
    NDArray s1 = resBlock(p, "down1.rb1", h, tact); // 64 x 14 x 14
    h = Ops.conv2d(p, "down1.conv", s1, 2, 1); // 7 x 7

    h = resBlock(p, "mid.rb0", h, tact);
    h = attention(p, "mid.attn", h);
    h = resBlock(p, "mid.rb1", h, tact);

    h = NDArrays.concat(new NDList(up(p, "up1.conv", h), s1), 1); // 128 x 14 x 14
    h = resBlock(p, "up1.rb0", h, tact);
    h = resBlock(p, "up1.rb1", h, tact);
    h = NDArrays.concat(new NDList(up(p, "up0.conv", h), s0), 1); // 96 x 28 x 28
    h = resBlock(p, "up0.rb0", h, tact);
    h = resBlock(p, "up0.rb1", h, tact);

    h = Ops.silu(GroupNorm.apply(p, "out.norm", h, GROUPS));
    return Ops.conv2d(p, "out.conv", h, 1, 1);
  }

  /** skip(x) + conv2(SiLU(GN(conv1(SiLU(GN(x))) + temb projection))). */
  private static NDArray resBlock(ParameterStore p, String name, NDArray x, NDArray tact) {
    NDArray h = Ops.conv2d(p, name + ".conv1", Ops.silu(GroupNorm.apply(p, name + ".norm1", x,
        GROUPS)), 1, 1);
    NDArray proj = Ops.linear(p, name + ".temb", tact); // [B, cout]
    NDArray projection = proj.reshape(proj.getShape().get(0), proj.getShape().get(1), 1, 1);
    h = Ops.plus(h, projection);
    h = Ops.conv2d(p, name + ".conv2", Ops.silu(GroupNorm.apply(p, name + ".norm2", h, GROUPS)),
        1, 1);
    long cin = x.getShape().get(1);
    long cout = h.getShape().get(1);
    NDArray skip = cin != cout ? Ops.conv2d(p, name + ".skip", x, 1, 0) : x;
    return Ops.plus(h, skip);
  }

  /** Single-head self-attention over the H*W positions, with a residual connection. */
  private static NDArray attention(ParameterStore p, String name, NDArray x) {
    Shape s = x.getShape();
    long b = s.get(0);
    long c = s.get(1);
    long n = s.get(2) * s.get(3);
    NDArray qkv = Ops.conv2d(p, name + ".qkv", GroupNorm.apply(p, name + ".norm", x, GROUPS), 1, 0)
        .reshape(b, 3 * c, n);
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
