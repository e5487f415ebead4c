package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The toy eps_theta MLP of the PyTorch reference (docs/reference.md), layer for layer: temb = sinusoidal(t*1000, 128)
 * -> Linear(128, W) -> SiLU -> Linear(W, W); h = Linear(2, W)(x) + temb; three times h =
 * Linear(W, W)(SiLU(h)); out = Linear(W, 2)(SiLU(h)). W = 256 gives the reference's 297,474
 * parameters.
 *
 * <p>Class-conditional (K > 0 classes): a class embedding of K + 1 rows of width W, row K the
 * learned null class, is added to temb (docs/theory.md, "Class conditioning and guidance"). Its
 * one parameter {@code class_emb.w} [K + 1, W] comes last and is drawn after all others, so the
 * other parameters start exactly as in the unconditional network of the same seed; with K = 0
 * the network is the unconditional one, parameter for parameter and byte for byte.
 */
public final class ToyMlp implements EpsNetwork {
  public static final int EMBED_DIM = 128;
  /** The class embedding [K + 1, W] of a class-conditional MLP. */
  public static final String CLASS_EMBEDDING = "class_emb.w";
  private final int width;
  private final int dim;
  private final int numClasses;
  private final NDArray freqs;

  /**
   * @param constants manager that owns the embedding frequencies; it lives as long as the net
   */
  public ToyMlp(NDManager constants, int width, int dim) {
    this(constants, width, dim, 0);
  }

  /** {@code numClasses} K: 0 for the unconditional network. */
  public ToyMlp(NDManager constants, int width, int dim, int numClasses) {
    if (numClasses < 0) {
      throw new IllegalArgumentException("a class count is >= 0, got " + numClasses);
    }
    this.width = width;
    this.dim = dim;
    this.numClasses = numClasses;
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
    if (numClasses > 0) {
      // N(0, 1) rows, as PyTorch's nn.Embedding starts.
      p.put(CLASS_EMBEDDING, p.manager().randomNormal(new Shape(numClasses + 1, width)));
    }
    return p;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  /** eps; a class-conditional network predicts for the null class (unconditionally). */
  @Override
  public NDArray forward(ParameterStore p, NDArray x, NDArray t) {
    return forward(p, x, t, (NDArray) null);
  }

  @Override
  public NDArray forward(ParameterStore p, NDArray x, NDArray t, NDArray labels) {
    if (numClasses == 0 && labels != null) {
      return EpsNetwork.super.forward(p, x, t, labels); // says the network is unconditional
    }
    NDArray emb = Ops.sinusoidal(t, freqs);
    NDArray temb = Ops.linear(p, "temb.1", Ops.silu(Ops.linear(p, "temb.0", emb)));
    if (numClasses > 0) {
      temb = ClassEmbedding.addTo(temb, p.get(CLASS_EMBEDDING), labels, x.getManager());
    }
    NDArray h = Ops.linear(p, "in", x).add(temb);
    for (int i = 0; i < 3; i++) {
      h = Ops.linear(p, "hidden." + i, Ops.silu(h));
    }
    return Ops.linear(p, "out", Ops.silu(h));
  }
}
