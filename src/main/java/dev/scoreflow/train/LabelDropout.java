package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.tensor.Scalars;

/**
 * Classifier-free guidance training (docs/theory.md, "Class conditioning and guidance"): each
 * label is replaced by the null class K with probability p, so one network learns both the
 * conditional and the unconditional noise prediction. The draw comes from the engine's
 * generator, which the trainer reseeds per step, so resumed runs draw the same drops.
 */
public final class LabelDropout {
  /** Keeps every label. */
  public static final LabelDropout NONE = new LabelDropout(0, 0);

  private final double probability;
  private final int numClasses;

  /** {@code numClasses} K: the null class is label K. */
  public LabelDropout(double probability, int numClasses) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("--label-dropout must lie in [0, 1], got " + probability);
    }
    this.probability = probability;
    this.numClasses = numClasses;
  }

  /** The dropout of a class-conditional config; {@link #NONE} otherwise. */
  public static LabelDropout of(TrainConfig c) {
    if (!c.classConditional || c.labelDropout == 0) {
      return NONE;
    }
    return new LabelDropout(c.labelDropout, c.classNames.size());
  }

  public double probability() {
    return probability;
  }

  /** The null class K that dropped labels become; -1 when nothing is ever dropped. */
  public int nullClass() {
    return probability == 0 ? -1 : numClasses;
  }

  /** INT32 labels [B] with each replaced by K with probability p; a new array. */
  public NDArray apply(NDArray labels) {
    if (probability == 0) {
      return labels.duplicate();
    }
    NDArray u = labels.getManager().randomUniform(0f, 1f, labels.getShape());
    NDArray drop;
    try (NDArray p = Scalars.like(u, probability)) {
      drop = p.gt(u); // u < p
    }
    NDArray nullClass = Scalars.like(labels, numClasses).broadcast(labels.getShape());
    return NDArrays.where(drop, nullClass, labels).toType(DataType.INT32, false);
  }
}
