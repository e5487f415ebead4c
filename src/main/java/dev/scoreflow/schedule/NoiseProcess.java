package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A Gaussian noise process x_t = a(t) x_0 + b(t) eps on t in [0, 1] (THEORY.md, "One
 * notation"). Everything a trainer or sampler needs is derived from the two scalar functions a
 * and b: the SDE coefficients f and g^2, the noise-to-signal ratio lambda = b / a and its inverse.
 */
public interface NoiseProcess {

  /** Short name used in configs and on the command line, e.g. {@code vp-linear}. */
  String name();

  /** Signal scale a(t). */
  double a(double t);

  /** Noise scale b(t). */
  double b(double t);

  /** Drift coefficient f(t) = d log a / dt of the forward SDE dx = f x dt + g dw. */
  double f(double t);

  /** Squared diffusion coefficient g(t)^2 = d(b^2)/dt - 2 f b^2. */
  double g2(double t);

  /** Noise-to-signal ratio lambda(t) = b / a, increasing in t. */
  default double lambda(double t) {
    return b(t) / a(t);
  }

  /** Inverse of {@link #lambda(double)}. */
  double tOfLambda(double lambda);

  /** a(t) for a batch of times t (any shape), on t's device: used by the trainer. */
  NDArray a(NDArray t);

  /** b(t) for a batch of times t (any shape), on t's device. */
  NDArray b(NDArray t);

  /** Largest usable time: where sampling starts (below 1 when a(1) = 0). */
  default double tMax() {
    return 1.0;
  }

  /** Standard deviation of the prior N(0, s^2 I) that stands in for p at {@link #tMax()}. */
  default double priorStd() {
    return b(tMax());
  }

  /** A draw from the prior N(0, priorStd^2 I) of the given shape, from the engine's generator. */
  default NDArray samplePrior(NDManager manager, Shape shape) {
    return dev.scoreflow.tensor.Scalars.muli(manager.randomNormal(shape), priorStd());
  }
}
