package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A noise-prediction network eps_theta(x_t, t): a pure function of its parameters, input batch
 * and per-sample times. Holding no weights itself, it runs equally with training or EMA weights.
 */
public interface EpsNetwork {

  /** Architecture name stored in configs, e.g. {@code mlp} or {@code unet-s}. */
  String architecture();

  /** Shape of one data point, e.g. [2] or [1, 28, 28]. */
  Shape dataShape();

  /** Freshly initialised parameters (draws from the engine's seeded generator). */
  ParameterStore initParameters(NDManager manager);

  /**
   * eps_theta for x of shape [B, dataShape...] and t of shape [B] (one time per sample) or [1]
   * (one time for the whole batch, as in sampling: the embedding is then computed once).
   */
  NDArray forward(ParameterStore params, NDArray x, NDArray t);

  /**
   * Number of classes K of a class-conditional network (0: unconditional). Such a network embeds
   * K + 1 labels: 0..K-1 are the classes and K is the learned null class that stands for "no
   * label" (docs/theory.md, "Class conditioning and guidance").
   */
  default int numClasses() {
    return 0;
  }

  /**
   * eps_theta given class labels: {@code labels} is null (unconditional, or the null class for a
   * conditional network) or INT32 [B] with values in 0..K, on x's device.
   */
  default NDArray forward(ParameterStore params, NDArray x, NDArray t, NDArray labels) {
    if (labels != null) {
      throw new IllegalArgumentException("the " + architecture()
          + " network is not class-conditional; train with --class-conditional");
    }
    return forward(params, x, t);
  }
}
