package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The denoiser interface every sampler runs on: eps(x, t) for a batch x at one time t. A trained
 * network, an exact oracle score or a test double all fit behind it.
 */
@FunctionalInterface
public interface NoisePredictor {
  NDArray predict(NDArray x, double t);

  /**
   * The network with fixed weights, as a predictor. The time goes in as one value [1], so the
   * time embedding is computed once per call and broadcast over the batch instead of B times.
   */
  static NoisePredictor of(EpsNetwork net, ParameterStore params) {
    return (x, t) -> net.forward(params, x, x.getManager().full(new Shape(1), (float) t));
  }
}
