package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.model.ParameterStore;
import java.util.Map;

/**
 * Adam with optional decoupled weight decay (AdamW), on NDArrays. Unlike DJL's Adam its moments
 * are ours, so a checkpoint can save and restore them exactly (DJL-NOTES.md).
 */
public final class Adam implements AutoCloseable {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final ParameterStore m;
  private final ParameterStore v;
  private long t;

  public Adam(ParameterStore params, NDManager manager, double weightDecay) {
    this(params, manager, 0.9, 0.999, 1e-8, weightDecay);
  }

  public Adam(ParameterStore params, NDManager manager, double beta1, double beta2, double epsilon,
      double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.m = new ParameterStore(manager);
    this.v = new ParameterStore(manager);
    for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
      m.put(e.getKey(), e.getValue().zerosLike());
      v.put(e.getKey(), e.getValue().zerosLike());
    }
  }

  /** Number of updates applied so far (Adam's t). */
  public long stepCount() {
    return t;
  }

  public ParameterStore firstMoments() {
    return m;
  }

  public ParameterStore secondMoments() {
    return v;
  }

  /** Restores the state saved from {@link #firstMoments()}, {@link #secondMoments()}, step count. */
  public void restore(ParameterStore first, ParameterStore second, long stepCount) {
    first.checkSameLayout(m, "optimizer first moments");
    second.checkSameLayout(v, "optimizer second moments");
    for (String name : m.asMap().keySet()) {
      m.get(name).set(first.get(name).toByteBuffer());
      v.get(name).set(second.get(name).toByteBuffer());
    }
    this.t = stepCount;
  }

  /** One update of every parameter from its gradient; gradients are left in place. */
  public void step(ParameterStore params, Map<String, NDArray> grads, double lr) {
    t++;
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
      NDArray p = e.getValue();
      NDArray g = grads.get(e.getKey());
      NDArray mi = m.get(e.getKey());
      NDArray vi = v.get(e.getKey());
      mi.muli(beta1).addi(g.mul(1 - beta1));
      vi.muli(beta2).addi(g.square().muli(1 - beta2));
      if (weightDecay > 0) {
        p.muli(1 - lr * weightDecay);
      }
      NDArray denom = vi.div(bc2).sqrt().addi(epsilon);
      p.subi(mi.div(denom).muli(lr / bc1));
    }
  }

  @Override
  public void close() {
    m.close();
    v.close();
  }
}
