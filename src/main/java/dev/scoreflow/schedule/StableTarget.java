package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Training targets averaged over the batch (docs/theory.md, "Stable targets"; Xu et al. 2023,
 * "Stable target field"): each x_t is scored against every x_0 of the batch, and its target is
 * built from the posterior mean over them ({@link PosteriorMean}), x0_bar_i = sum_j w_ij x0_j
 * with w_ij = softmax_j log rho((x_t,i - a_i x0_j) / b_i), the finite-data denoiser of the batch,
 * instead of from its own x_0 alone. The network's minimiser is unchanged as the batch grows
 * (each row's own x_0 is one of the j), and the target's variance falls: for a heavy-tailed law
 * such as PFGM's at D = 1 the single-draw noise target has infinite variance, the averaged one
 * does not.
 */
public final class StableTarget {
  private StableTarget() {}

  /**
   * The pair (x_t, target) for x_t = a x0 + b noise with the batch-averaged target; {@code allowed}
   * [B, B] (true where x0_j may explain x_t,i, e.g. the same class) or null for all pairs.
   */
  public static TrainingPair pair(NoiseProcess p, NDArray x0, NDArray t, NDArray noise,
      Prediction prediction, double dataScale, NDArray allowed) {
    Shape bcast = TrainingPair.broadcastShape(x0.getShape());
    long batch = x0.getShape().get(0);
    NDArray a = p.a(t);
    NDArray b = p.b(t);
    NDArray xt = x0.mul(a.reshape(bcast)).add(noise.mul(b.reshape(bcast)));
    Shape rows = new Shape(batch, 1, 1);
    NDArray x0Bar = PosteriorMean.of(p, xt, x0, a.reshape(rows), b.reshape(rows), allowed);
    NDArray nBar = xt.sub(x0Bar.mul(a.reshape(bcast))).div(b.reshape(bcast));
    return new TrainingPair(xt, prediction.target(p, x0Bar, nBar, t, bcast, dataScale));
  }
}
