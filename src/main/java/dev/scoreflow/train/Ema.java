package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.model.ParameterStore;
import java.util.Map;

/**
 * Exponential moving average of the weights, kept in its own store (never swapped with the
 * training weights): ema = d ema + (1 - d) p. Sampling uses it by default.
 */
public final class Ema implements AutoCloseable {
  private final double decay;
  private final ParameterStore ema;

  public Ema(ParameterStore params, NDManager manager, double decay) {
    this.decay = decay;
    this.ema = params.copy(manager);
  }

  public ParameterStore weights() {
    return ema;
  }

  /** Overwrites the average with saved values (same layout). */
  public void restore(ParameterStore saved) {
    saved.checkSameLayout(ema, "EMA weights");
    for (Map.Entry<String, NDArray> e : ema.asMap().entrySet()) {
      e.getValue().set(saved.get(e.getKey()).toByteBuffer());
    }
  }

  public void update(ParameterStore params) {
    for (Map.Entry<String, NDArray> e : ema.asMap().entrySet()) {
      NDArray p = params.get(e.getKey());
      e.getValue().muli(decay).addi(p.mul(1 - decay));
    }
  }

  @Override
  public void close() {
    ema.close();
  }
}
