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

  /** The network with fixed weights, as a predictor. */
  static NoisePredictor of(EpsNetwork net, ParameterStore params) {
    return (x, t) -> {
      NDArray tt = x.getManager().full(new Shape(x.getShape().get(0)), (float) t);
      return net.forward(params, x, tt);
    };
  }
}
