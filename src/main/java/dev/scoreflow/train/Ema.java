package dev.scoreflow.train;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.model.ParameterStore;

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
    double d = warmup ? Math.min(decay, (1.0 + k) / (10.0 + k)) : decay;
    ema.flat().muli(d).addi(ema.concatInLayout(params.asMap()).muli(1 - d));
  }

  @Override
  public void close() {
    ema.close();
  }
}
