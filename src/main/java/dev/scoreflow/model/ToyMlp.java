package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The toy eps_theta MLP of shared/peer/README.md, layer for layer: temb = sinusoidal(t*1000, 128)
 * -> Linear(128, W) -> SiLU -> Linear(W, W); h = Linear(2, W)(x) + temb; three times h =
 * Linear(W, W)(SiLU(h)); out = Linear(W, 2)(SiLU(h)). W = 256 gives the reference's 297,474
 * parameters.
 */
public final class ToyMlp implements EpsNetwork {
  public static final int EMBED_DIM = 128;
  private final int width;
  private final int dim;
  private final NDArray freqs;

  /**
   * @param constants manager that owns the embedding frequencies; it lives as long as the net
   */
  public ToyMlp(NDManager constants, int width, int dim) {
    this.width = width;
    this.dim = dim;
    this.freqs = Ops.sinusoidalFrequencies(constants, EMBED_DIM);
  }

  public int width() {
    return width;
  }

  @Override
  public String architecture() {
    return "mlp";
  }

  @Override
  public Shape dataShape() {
    return new Shape(dim);
  }

  @Override
  public ParameterStore initParameters(NDManager manager) {
    ParameterStore p = new ParameterStore(manager);
    Init.linear(p, "temb.0", EMBED_DIM, width);
    Init.linear(p, "temb.1", width, width);
    Init.linear(p, "in", dim, width);
    for (int i = 0; i < 3; i++) {
      Init.linear(p, "hidden." + i, width, width);
    }
    Init.linear(p, "out", width, dim);
    return p;
  }

  @Override
  public NDArray forward(ParameterStore p, NDArray x, NDArray t) {
    NDArray emb = Ops.sinusoidal(t, freqs);
    NDArray temb = Ops.linear(p, "temb.1", Ops.silu(Ops.linear(p, "temb.0", emb)));
    NDArray h = Ops.linear(p, "in", x).add(temb);
    for (int i = 0; i < 3; i++) {
      h = Ops.linear(p, "hidden." + i, Ops.silu(h));
    }
    return Ops.linear(p, "out", Ops.silu(h));
  }
}
