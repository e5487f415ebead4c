package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import dev.scoreflow.tensor.Scalars;
import java.util.function.DoublePredicate;

/**
 * Classifier-free guidance as a plain {@link NoisePredictor} (docs/theory.md, "Class conditioning
 * and guidance"): for per-row classes y and scale S,
 *
 * <pre>  eps = eps_u + S (eps_c - eps_u),   eps_c = eps(x, t | y),  eps_u = eps(x, t | null)</pre>
 *
 * S = 1 is the conditional model alone and S = 0 the unconditional one, each one evaluation. Any
 * other S evaluates both in ONE batched call on [x; x] with labels [y; null] and splits the
 * result, so a step costs one call of twice the batch: two network evaluations per sample.
 * Samplers see an ordinary predictor, so every sampler supports guidance with no code of its own.
 * The formula is linear in the prediction, so it holds for a network's raw output whatever it
 * parameterises (eps, x0 or velocity) before conversion.
 *
 * <p>A guidance interval ({@code sample/Guidance}) is a predicate on t: where it is false the
 * call is the conditional model alone (S = 1), one evaluation.
 */
public final class GuidedPredictor implements NoisePredictor {
  private final ConditionalPredictor model;
  private final NDArray labels;
  private final NDArray both;
  private final double scale;
  private final DoublePredicate guidedAt;

  /** Scale S at every time. */
  public GuidedPredictor(ConditionalPredictor model, NDArray labels, double scale) {
    this(model, labels, scale, t -> true);
  }

  /**
   * @param labels INT32 [B], classes 0..K-1 of the rows to be predicted (the batch size of every
   *     call), on the device the sampling runs on; kept by reference, and so is the array of
   *     [labels; null] made here on labels' manager (close that manager to free them)
   * @param scale S >= 0
   * @param guidedAt the times t where S applies; elsewhere S = 1
   */
  public GuidedPredictor(ConditionalPredictor model, NDArray labels, double scale,
      DoublePredicate guidedAt) {
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("--guidance must be a number >= 0, got " + scale);
    }
    this.model = model;
    this.labels = labels;
    this.scale = scale;
    this.guidedAt = guidedAt;
    if (batchesBothHalves(scale)) {
      NDArray nulls = Scalars.like(labels, model.numClasses()).broadcast(labels.getShape());
      this.both = NDArrays.concat(new NDList(labels, nulls));
    } else {
      this.both = null;
    }
  }

  /** Whether scale S needs both halves (0 < S != 1): one call then evaluates the network twice. */
  public static boolean batchesBothHalves(double scale) {
    return scale != 0 && scale != 1;
  }

  public double scale() {
    return scale;
  }

  @Override
  public NDArray predict(NDArray x, double t) {
    if (scale == 1 || !guidedAt.test(t)) {
      return model.predict(x, t, labels);
    }
    if (scale == 0) {
      return model.predict(x, t, null);
    }
    long rows = x.getShape().get(0);
    NDArray out = model.predict(NDArrays.concat(new NDList(x, x)), t, both);
    NDList halves = out.split(new long[] {rows});
    NDArray cond = halves.get(0);
    NDArray uncond = halves.get(1);
    // eps_u + S (eps_c - eps_u)
    return uncond.add(Scalars.muli(cond.sub(uncond), scale));
  }
}
