package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.Scalars;
import java.util.Optional;

/**
 * A noise process in score_sde's shape (docs/theory.md, "Processes"): how data are perturbed,
 * the prior at {@link #tMax()}, and the coordinates of the probability-flow ODE. Every process
 * here perturbs affinely,
 *
 * <pre>
 *   x_t = a(t) x_0 + b(t) n,   n drawn from the process's noise law,
 * </pre>
 *
 * with n ~ N(0, I) for the Gaussian processes ({@link GaussianProcess}) and n = z ~ rho, a = 1,
 * b = s(t) for the scale-family kernels ({@link KernelProcess}). The probability-flow drift is
 * then dx/dt = a' x0_hat + b' n_hat for every member (docs/theory.md, "Processes"), so one ODE
 * code and one prediction conversion serve all of them; what only Gaussians have (the SDE, the
 * posterior steps of DDPM and DDIM) lives in {@link GaussianProcess}, reached through
 * {@link #gaussian()}.
 */
public interface NoiseProcess {

  /** Short name used in configs and on the command line, e.g. {@code vp-linear}. */
  String name();

  /** Signal scale a(t). */
  double a(double t);

  /** Noise scale b(t). */
  double b(double t);

  /** da/dt. */
  double aDot(double t);

  /** db/dt. */
  double bDot(double t);

  /** a(t) for a batch of times t (any shape), on t's device: used by the trainer. */
  NDArray a(NDArray t);

  /** b(t) for a batch of times t (any shape), on t's device. */
  NDArray b(NDArray t);

  /** da/dt on t's device (the velocity target). */
  NDArray aDot(NDArray t);

  /** db/dt on t's device (the velocity target). */
  NDArray bDot(NDArray t);

  /**
   * The noise scale lambda(t) = b / a, increasing in t: s(t) for a kernel process. The log-SNR
   * and Karras grids and the probability-flow ODE run in it.
   */
  default double lambda(double t) {
    return b(t) / a(t);
  }

  /** Inverse of {@link #lambda(double)}. */
  double tOfLambda(double lambda);

  /** Largest usable time: where sampling starts (below 1 when the prior is not reached at 1). */
  default double tMax() {
    return 1.0;
  }

  /** n: one draw of the noise law for every example of a batch of the given shape [B, ...]. */
  NDArray sampleNoise(NDManager manager, Shape shape);

  /** log density of the noise law at each row of n [N, ...], as [N] (nats). */
  NDArray noiseLogDensity(NDArray n);

  /**
   * A draw from the prior that stands in for p at {@link #tMax()}: b(tMax) n, the data's share
   * a(tMax) x_0 taken as 0. The one place a sampler's start is drawn.
   */
  default NDArray samplePrior(NDManager manager, Shape shape) {
    return Scalars.muli(sampleNoise(manager, shape), b(tMax()));
  }

  /** log density of the prior of {@link #samplePrior} at each row of x [N, ...], as [N] (nats). */
  NDArray priorLogDensity(NDArray x);

  /** The prior in words, for logs and eval output, e.g. {@code N(0, 1.0000^2 I) at t = 1}. */
  String describePrior();

  /**
   * kappa, the rough per-coordinate scale of the noise n (1 for a Gaussian): where
   * {@link Prediction#EDM} hands over from its skip to the network.
   */
  default double noiseScale() {
    return 1;
  }

  /**
   * Whether training uses batch-averaged targets ({@link StableTarget}) when the config does not
   * say: off for Gaussian processes, whose single-draw targets are well behaved.
   */
  default boolean defaultStableTarget() {
    return false;
  }

  /** What a network trained on this process predicts when the config does not say. */
  default Prediction defaultPrediction() {
    return Prediction.EPS;
  }

  /**
   * Refuses a parameterisation this process cannot sample with; the message names
   * {@code --prediction} and {@code --process}.
   */
  default void checkPrediction(Prediction prediction) {}

  /**
   * The pair (x_t, target) of one training example, for noise n drawn from the noise law;
   * dataScale is the data's sigma_data (read by {@link Prediction#EDM} only).
   */
  default TrainingPair trainingPair(NDArray x0, NDArray t, NDArray noise, Prediction prediction,
      double dataScale) {
    Shape bcast = TrainingPair.broadcastShape(x0.getShape());
    NDArray xt = x0.mul(a(t).reshape(bcast)).add(noise.mul(b(t).reshape(bcast)));
    return new TrainingPair(xt, prediction.target(this, x0, noise, t, bcast, dataScale));
  }

  /** The coordinates the probability-flow ODE is integrated in: lambda and y = x / a by default. */
  default FlowCoordinates flowCoordinates() {
    return FlowCoordinates.noiseScale(this);
  }

  /** This process as a Gaussian one, if it is: what the SDE, DDPM and DDIM samplers need. */
  default Optional<GaussianProcess> gaussian() {
    return Optional.empty();
  }
}
