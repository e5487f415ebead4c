package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;

/** dy/ds = F(s, y) for a batch of states y: the equation, kept apart from any solver. */
@FunctionalInterface
public interface OdeSystem {
  NDArray derivative(double s, NDArray y);
}
