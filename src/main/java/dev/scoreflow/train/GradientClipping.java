package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * Global-norm gradient clipping, which DJL 0.29 lacks: scale every gradient by min(1, c /
 * ||g||) with ||g|| the norm of all gradients together. Stays on the device (no host sync).
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** Clips in place and returns the global norm before clipping (a scalar NDArray). */
  public static NDArray clip(Collection<NDArray> grads, double maxNorm) {
    NDArray sq = null;
    for (NDArray g : grads) {
      NDArray s = g.square().sum();
      sq = sq == null ? s : sq.addi(s);
    }
    NDArray norm = sq.sqrt();
    NDArray scale = norm.add(1e-6).pow(-1).muli(maxNorm).minimum(1f);
    for (NDArray g : grads) {
      g.muli(scale);
    }
    return norm;
  }
}
