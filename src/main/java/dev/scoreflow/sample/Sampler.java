package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;

/**
 * One discretisation of the reverse-time family of docs/theory.md ("Sampling"), run from x at
 * {@link NoiseProcess#tMax()} down to {@code tMin}. The network is only ever seen through a
 * {@link Denoiser}, so a sampler never knows the parameterisation.
 */
public interface Sampler {

  /** Name and settings for logs, e.g. {@code ddim(steps=50, eta=0.0)}. */
  String describe();

  /**
   * Refuses a process this sampler cannot run on, with one line naming {@code --sampler} and
   * {@code --process}. Called before any sampling.
   */
  default void check(NoiseProcess process) {}

  /**
   * As {@link #check(NoiseProcess)} for the process and the parameterisation of
   * {@code denoiser}: what a sampler overrides when it needs more than the process allows (a
   * finite x0 estimate at the start, say). Called before any sampling.
   */
  default void check(Denoiser denoiser) {
    check(denoiser.process());
  }

  /**
   * Returns x at tMin. {@code xStart} is not modified or closed; the result is attached to
   * {@code xStart}'s manager. Every intermediate array is closed before the next step.
   */
  NDArray sample(Denoiser denoiser, NDArray xStart, double tMin, StepObserver observer);

  default NDArray sample(Denoiser denoiser, NDArray xStart, double tMin) {
    return sample(denoiser, xStart, tMin, StepObserver.NONE);
  }

  /** Sampling with a noise predictor (an oracle, an eps-trained network). */
  default NDArray sample(NoisePredictor eps, NoiseProcess process, NDArray xStart, double tMin,
      StepObserver observer) {
    return sample(Denoiser.ofEps(eps, process), xStart, tMin, observer);
  }

  default NDArray sample(NoisePredictor eps, NoiseProcess process, NDArray xStart, double tMin) {
    return sample(eps, process, xStart, tMin, StepObserver.NONE);
  }
}
