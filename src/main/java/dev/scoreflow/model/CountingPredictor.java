package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;

/** Counts network function evaluations (NFE) of a wrapped predictor. */
public final class CountingPredictor implements NoisePredictor {
  private final NoisePredictor inner;
  private long calls;

  public CountingPredictor(NoisePredictor inner) {
    this.inner = inner;
  }

  @Override
  public NDArray predict(NDArray x, double t) {
    calls++;
    return inner.predict(x, t);
  }

  public long calls() {
    return calls;
  }
}
