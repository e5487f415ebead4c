package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * Conditional (denoising) score matching in its eps form (THEORY.md, "Training"): draw t and
 * eps, form x_t = a(t) x_0 + b(t) eps, and return the mean of (eps_theta(x_t, t) - eps)^2.
 */
public final class DiffusionObjective {
  private final NoiseProcess process;
  private final double tMin;
  private final int discreteSteps; // 0 = continuous time
  private final LabelDropout labelDropout;

  public DiffusionObjective(NoiseProcess process, double tMin, int discreteSteps) {
    this(process, tMin, discreteSteps, LabelDropout.NONE);
  }

  public DiffusionObjective(NoiseProcess process, double tMin, int discreteSteps,
      LabelDropout labelDropout) {
    this.process = process;
    this.tMin = tMin;
    this.discreteSteps = discreteSteps;
    this.labelDropout = labelDropout;
  }

  public static DiffusionObjective of(TrainConfig c, NoiseProcess process) {
    return new DiffusionObjective(process, c.tMin,
        c.timeSampling.equals("discrete") ? c.discreteSteps : 0, LabelDropout.of(c));
  }

  /** Times for a batch: U(tMin, 1), or i/N with i uniform on {1..N}. */
  public NDArray sampleTimes(NDManager m, int batch) {
    if (discreteSteps > 0) {
      return Scalars.divi(m.randomInteger(1, discreteSteps + 1, new Shape(batch), DataType.INT32)
          .toType(DataType.FLOAT32, false), discreteSteps);
    }
    return m.randomUniform((float) tMin, 1f, new Shape(batch));
  }

  /** The loss for one unlabelled batch x0; draws its own t and eps. */
  public NDArray loss(EpsNetwork net, ParameterStore params, NDArray x0) {
    return loss(net, params, x0, null);
  }

  /**
   * The loss for one batch x0 with its labels (null: unconditional); draws its own t and eps,
   * then drops labels to the null class (classifier-free guidance training).
   */
  public NDArray loss(EpsNetwork net, ParameterStore params, NDArray x0, NDArray labels) {
    NDManager m = x0.getManager();
    int batch = (int) x0.getShape().get(0);
    NDArray t = sampleTimes(m, batch);
    NDArray eps = m.randomNormal(x0.getShape());
    return loss(net, params, x0, dropLabels(labels), t, eps);
  }

  /** Labels with some replaced by the null class; null stays null (no draw is made then). */
  public NDArray dropLabels(NDArray labels) {
    return labels == null ? null : labelDropout.apply(labels);
  }

  /**
   * The loss for x0 (with labels as given, already dropped; null: unconditional) at the given
   * times and noise: the mean over every element of the batch.
   * Data-parallel training draws t and eps for the whole batch and hands each device its rows.
   */
  public NDArray loss(EpsNetwork net, ParameterStore params, NDArray x0, NDArray labels,
      NDArray t, NDArray eps) {
    Shape bcast = broadcastShape(x0.getShape());
    NDArray xt = x0.mul(process.a(t).reshape(bcast)).add(eps.mul(process.b(t).reshape(bcast)));
    NDArray pred = labels == null ? net.forward(params, xt, t) : net.forward(params, xt, t, labels);
    return pred.sub(eps).square().mean();
  }

  /** [B, 1, 1, ...] so per-example scalars broadcast over an example's dimensions. */
  static Shape broadcastShape(Shape x) {
    long[] s = new long[x.dimension()];
    java.util.Arrays.fill(s, 1);
    s[0] = x.get(0);
    return new Shape(s);
  }
}
