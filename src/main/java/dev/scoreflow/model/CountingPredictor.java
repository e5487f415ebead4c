package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import java.util.function.DoubleToIntFunction;

/**
 * Counts the calls of a wrapped predictor and the network function evaluations (NFE) per sample
 * they cost: one per call, or what {@code evaluationsAt} says for a call at time t (2 where a
 * guided call batches the conditional and unconditional halves).
 */
public final class CountingPredictor implements NoisePredictor {
  private final NoisePredictor inner;
  private final DoubleToIntFunction evaluationsAt;
  private long calls;
  private long evaluations;

  public CountingPredictor(NoisePredictor inner) {
    this(inner, t -> 1);
  }

  public CountingPredictor(NoisePredictor inner, DoubleToIntFunction evaluationsAt) {
    this.inner = inner;
    this.evaluationsAt = evaluationsAt;
  }

  @Override
  public NDArray predict(NDArray x, double t) {
    calls++;
    evaluations += evaluationsAt.applyAsInt(t);
    return inner.predict(x, t);
  }

  public long calls() {
    return calls;
  }

  /** Network evaluations per sample over all calls so far. */
  public long evaluations() {
    return evaluations;
  }
}
