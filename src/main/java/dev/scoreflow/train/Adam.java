package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.tensor.Scalars;
import java.util.Map;

/**
 * Adam with optional decoupled weight decay (AdamW), on NDArrays. Unlike DJL's Adam its moments
 * are ours, so a checkpoint can save and restore them exactly (DJL-NOTES.md). The moments of all
 * parameters sit in one flat buffer each ({@link FlatArrays}), so a step is a few whole-buffer
 * ops; every op is elementwise, so the result is the same as updating parameter by parameter.
 */
public final class Adam implements AutoCloseable {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final FlatArrays m;
  private final FlatArrays v;
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
    this.m = FlatArrays.zerosLike(params, manager);
    this.v = FlatArrays.zerosLike(params, manager);
  }

  /** Number of updates applied so far (Adam's t). */
  public long stepCount() {
    return t;
  }

  /** The first moments by parameter name (views of the flat buffer). */
  public ParameterStore firstMoments() {
    return m.views();
  }

  /** The second moments by parameter name (views of the flat buffer). */
  public ParameterStore secondMoments() {
    return v.views();
  }

  /** Restores the state saved from {@link #firstMoments()}, {@link #secondMoments()}, step count. */
  public void restore(ParameterStore first, ParameterStore second, long stepCount) {
    m.restore(first, "optimizer first moments");
    v.restore(second, "optimizer second moments");
    this.t = stepCount;
  }

  /**
   * One update of every parameter from its gradient; gradients are left in place. Call inside
   * an NDScope: the temporaries (flat gradient, update) are released there.
   */
  public void step(ParameterStore params, Map<String, NDArray> grads, double lr) {
    NDList updates = m.split(update(m.concatInLayout(grads), lr));
    int i = 0;
    for (String name : m.views().asMap().keySet()) {
      NDArray p = params.get(name);
      if (weightDecay > 0) {
        Scalars.muli(p, 1 - lr * weightDecay);
      }
      p.subi(updates.get(i++));
    }
  }

  /**
   * The same update on flat buffers laid out like the moments ({@link FlatParameters}): weight
   * decay and the step are one op each. Call inside an NDScope.
   */
  public void step(NDArray flatParams, NDArray flatGrad, double lr) {
    NDArray u = update(flatGrad, lr);
    if (weightDecay > 0) {
      Scalars.muli(flatParams, 1 - lr * weightDecay);
    }
    flatParams.subi(u);
  }

  /** Advances the moments with the flat gradient g and returns the flat step lr m^ / (sqrt(v^) + eps). */
  private NDArray update(NDArray g, double lr) {
    t++;
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    Scalars.muli(m.flat(), beta1).addi(Scalars.mul(g, 1 - beta1));
    Scalars.muli(v.flat(), beta2).addi(Scalars.muli(g.square(), 1 - beta2));
    NDArray denom = Scalars.addi(Scalars.div(v.flat(), bc2).sqrt(), epsilon);
    return Scalars.muli(m.flat().div(denom), lr / bc1);
  }

  @Override
  public void close() {
    m.close();
    v.close();
  }
}
