package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;

/** Sees the state after each sampler step, e.g. to draw trajectories. Must not keep {@code x}. */
@FunctionalInterface
public interface StepObserver {
  StepObserver NONE = (t, x) -> {};

  void onStep(double t, NDArray x);
}
