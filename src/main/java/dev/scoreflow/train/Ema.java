package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.tensor.Scalars;

/**
 * Exponential moving average of the weights, kept in its own store (never swapped with the
 * training weights): ema = d ema + (1 - d) p. Sampling uses it by default.
 */
public final class Ema implements AutoCloseable {
  private final double decay;
  private final boolean warmup;
  private final FlatArrays ema;

  public Ema(ParameterStore params, NDManager manager, double decay, boolean warmup) {
    this.decay = decay;
    this.warmup = warmup;
    this.ema = FlatArrays.copyOf(params, manager); // one buffer: an update is three ops
  }

  public ParameterStore weights() {
    return ema.views();
  }

  /** Overwrites the average with saved values (same layout). */
  public void restore(ParameterStore saved) {
    ema.restore(saved, "EMA weights");
  }

  /**
   * Folds in the weights after update number {@code k} (0-based). With warm-up the decay is
   * min(decay, (1 + k)/(10 + k)), so early averages are not dominated by the random
   * initialisation (a 0.999 average would still hold 37% of it after 1000 steps).
   */
  public void update(ParameterStore params, long k) {
    double d = decayAt(k);
    Scalars.muli(ema.flat(), d).addi(Scalars.muli(ema.concatInLayout(params.asMap()), 1 - d));
  }

  /** The same update from weights in one flat buffer of the same layout: two ops. */
  public void update(NDArray flatParams, long k) {
    double d = decayAt(k);
    Scalars.muli(ema.flat(), d).addi(Scalars.mul(flatParams, 1 - d));
  }

  private double decayAt(long k) {
    return warmup ? Math.min(decay, (1.0 + k) / (10.0 + k)) : decay;
  }

  @Override
  public void close() {
    ema.close();
  }
}
