package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;

/**
 * One discretisation of the reverse-time family of THEORY.md ("Sampling"), run from x at
 * {@link NoiseProcess#tMax()} down to {@code tMin}. Implementations are short loops over a time
 * grid; the network is only ever seen through {@link NoisePredictor}.
 */
public interface Sampler {

  /** Name and settings for logs, e.g. {@code ddim(steps=50, eta=0.0)}. */
  String describe();

  /**
   * Returns x at tMin. {@code xStart} is not modified or closed; the result is attached to
   * {@code xStart}'s manager. Every intermediate array is closed before the next step.
   */
  NDArray sample(NoisePredictor eps, NoiseProcess process, NDArray xStart, double tMin,
      StepObserver observer);

  default NDArray sample(NoisePredictor eps, NoiseProcess process, NDArray xStart, double tMin) {
    return sample(eps, process, xStart, tMin, StepObserver.NONE);
  }
}
