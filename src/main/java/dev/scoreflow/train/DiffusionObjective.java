package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.schedule.StableTarget;
import dev.scoreflow.schedule.TrainingPair;
import dev.scoreflow.tensor.Scalars;

/**
 * Denoising score matching in the chosen parameterisation (docs/theory.md, "Training" and
 * "Parameterisations"): draw t and the noise n, let the process form x_t = a(t) x_0 + b(t) n and
 * the target (n, x_0 or the velocity a' x_0 + b' n), and return the mean of
 * (network(x_t, t) - target)^2. With eps this is the classic eps loss.
 */
public final class DiffusionObjective {
  private final NoiseProcess process;
  private final Prediction prediction;
  private final TimeDistribution times;
  private final LossWeighting weighting;
  private final LabelDropout labelDropout;
  private final boolean stableTarget;
  private final double dataScale;

  public DiffusionObjective(NoiseProcess process, Prediction prediction, double tMin,
      int discreteSteps) {
    this(process, prediction, tMin, discreteSteps, LabelDropout.NONE);
  }

  public DiffusionObjective(NoiseProcess process, Prediction prediction, double tMin,
      int discreteSteps, LabelDropout labelDropout) {
    this(process, prediction, tMin, discreteSteps, labelDropout, false,
        Prediction.DEFAULT_DATA_SCALE);
  }

  /**
   * @param stableTarget batch-averaged targets ({@link StableTarget})
   * @param dataScale the data's sigma_data, for {@link Prediction#EDM}
   */
  public DiffusionObjective(NoiseProcess process, Prediction prediction, double tMin,
      int discreteSteps, LabelDropout labelDropout, boolean stableTarget, double dataScale) {
    this(process, prediction, discreteSteps > 0 ? new TimeDistribution.Discrete(discreteSteps)
        : new TimeDistribution.Uniform(tMin), LossWeighting.UNIFORM, labelDropout, stableTarget,
        dataScale);
  }

  /**
   * @param times where the training times come from
   * @param weighting how much each example's error counts by its time
   */
  public DiffusionObjective(NoiseProcess process, Prediction prediction, TimeDistribution times,
      LossWeighting weighting, LabelDropout labelDropout, boolean stableTarget, double dataScale) {
    process.checkPrediction(prediction);
    this.labelDropout = labelDropout;
    this.process = process;
    this.prediction = prediction;
    this.times = times;
    this.weighting = weighting;
    this.stableTarget = stableTarget;
    this.dataScale = dataScale;
  }

  /** The eps objective. */
  public DiffusionObjective(NoiseProcess process, double tMin, int discreteSteps) {
    this(process, Prediction.EPS, tMin, discreteSteps);
  }

  public static DiffusionObjective of(TrainConfig c, NoiseProcess process) {
    return new DiffusionObjective(process, Prediction.resolve(c.prediction, process),
        TimeDistribution.of(c), LossWeighting.of(c), LabelDropout.of(c),
        c.stableTarget != null ? c.stableTarget : process.defaultStableTarget(),
        c.dataScaleOrDefault());
  }

  public Prediction prediction() {
    return prediction;
  }

  /** Times for a batch, from the run's {@link TimeDistribution}. */
  public NDArray sampleTimes(NDManager m, int batch) {
    return times.sample(m, batch);
  }

  /** The noise n of a batch of the given shape, from the process's noise law. */
  public NDArray sampleNoise(NDManager m, Shape shape) {
    return process.sampleNoise(m, shape);
  }

  /** The loss for one unlabelled batch x0; draws its own t and noise. */
  public NDArray loss(EpsNetwork net, ParameterStore params, NDArray x0) {
    return loss(net, params, x0, null);
  }

  /**
   * The loss for one batch x0 with its labels (null: unconditional); draws its own t and noise,
   * then drops labels to the null class (classifier-free guidance training).
   */
  public NDArray loss(EpsNetwork net, ParameterStore params, NDArray x0, NDArray labels) {
    NDManager m = x0.getManager();
    int batch = (int) x0.getShape().get(0);
    NDArray t = sampleTimes(m, batch);
    NDArray noise = sampleNoise(m, x0.getShape());
    return loss(net, params, x0, dropLabels(labels), t, noise);
  }

  /** Labels with some replaced by the null class; null stays null (no draw is made then). */
  public NDArray dropLabels(NDArray labels) {
    return labels == null ? null : labelDropout.apply(labels);
  }

  /**
   * The loss for x0 (with labels as given, already dropped; null: unconditional) at the given
   * times and noise: the mean over every element of the batch, each example's squared errors
   * weighted by the run's {@link LossWeighting}. Data-parallel training draws t
   * and the noise for the whole batch and hands each device its rows.
   */
  public NDArray loss(EpsNetwork net, ParameterStore params, NDArray x0, NDArray labels,
      NDArray t, NDArray noise) {
    TrainingPair pair = stableTarget
        ? StableTarget.pair(process, x0, t, noise, prediction, dataScale, sameClass(labels))
        : process.trainingPair(x0, t, noise, prediction, dataScale);
    NDArray pred = labels == null ? net.forward(params, pair.xt(), t)
        : net.forward(params, pair.xt(), t, labels);
    NDArray squared = pred.sub(pair.target()).square();
    NDArray w = weighting.weights(process, prediction, t, dataScale);
    if (w == null) {
      return squared.mean();
    }
    return squared.mul(w.reshape(TrainingPair.broadcastShape(squared.getShape()))).mean();
  }

  /**
   * [B, B], true where example j's x_0 may explain x_t of example i: the same label, or any j
   * when i's label was dropped to the null class; null for unlabelled batches (all pairs).
   */
  NDArray sameClass(NDArray labels) {
    if (labels == null) {
      return null;
    }
    long b = labels.getShape().get(0);
    NDArray same = labels.reshape(b, 1).eq(labels.reshape(1, b));
    int nullClass = labelDropout.nullClass();
    if (nullClass < 0) {
      return same;
    }
    try (NDArray k = Scalars.like(labels, nullClass)) {
      return same.logicalOr(labels.eq(k).reshape(b, 1).broadcast(b, b));
    }
  }
}
