package dev.scoreflow.model;

import ai.djl.ndarray.NDManager;

/**
 * UNet-S, the image eps_theta of the peer benchmark (docs/reference.md), layer for layer with
 * the PyTorch reference (793,953 parameters) for 1x28x28 images: the {@link UNet} with the
 * {@code unet-s} preset (32 channels x (1, 2), 2 res-blocks per level, attention only in the 7x7
 * middle, GroupNorm(8), no dropout):
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
 * {@code out.norm}, ..., each with {@code .w}/{@code .b} (norms: {@code .g}/{@code .b});
 * {@link ReferenceNames} maps them to the reference's.
 */
public final class UNetS extends UNet {
  public static final String ARCHITECTURE = "unet-s";

  /** The reference UNet-S (1x28x28, unconditional). */
  public UNetS(NDManager constants) {
    this(constants, UNetSpec.unetS());
  }

  /**
   * The {@code unet-s} preset as a config resolves it (its data's shape, classes, and any model
   * flag laid over the preset).
   */
  public UNetS(NDManager constants, UNetSpec spec) {
    super(constants, spec);
  }
}
