package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/**
 * Global-norm gradient clipping, which DJL 0.29 lacks: scale the gradient by min(1, c / (||g|| +
 * 1e-6)) with ||g|| the norm of all gradients together. It works on the flat gradient of
 * {@link FlatParameters}, so it is a handful of ops however many parameters there are, and it
 * stays on the device (no host read, no host constant).
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** Clips {@code flatGrad} in place and returns the global norm before clipping (a scalar). */
  public static NDArray clip(NDArray flatGrad, double maxNorm) {
    NDArray norm = flatGrad.square().sum().sqrt();
    NDArray scale = Scalars.minimum(Scalars.rdiv(maxNorm, Scalars.add(norm, 1e-6)), 1);
    flatGrad.muli(scale);
    return norm;
  }
}
