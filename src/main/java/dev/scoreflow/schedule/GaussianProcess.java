package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.Scalars;
import java.util.Locale;
import java.util.Optional;

/**
 * A Gaussian noise process x_t = a(t) x_0 + b(t) eps, eps ~ N(0, I), on t in [0, 1]
 * (docs/theory.md, "One notation"). Besides the affine perturbation every process has, it has a
 * forward SDE dx = f x dt + g dw with the same marginals, which the reverse-SDE, DDPM and DDIM
 * samplers need.
 */
public interface GaussianProcess extends NoiseProcess {

  /** Drift coefficient f(t) = d log a / dt of the forward SDE dx = f x dt + g dw. */
  double f(double t);

  /** Squared diffusion coefficient g(t)^2 = d(b^2)/dt - 2 f b^2. */
  double g2(double t);

  /** Standard deviation of the prior N(0, s^2 I) that stands in for p at {@link #tMax()}. */
  default double priorStd() {
    return b(tMax());
  }

  @Override
  default NDArray sampleNoise(NDManager manager, Shape shape) {
    return manager.randomNormal(shape);
  }

  /** log N(n; 0, I) per row. */
  @Override
  default NDArray noiseLogDensity(NDArray n) {
    return RadialLaw.standardNormal().logDensity(n);
  }

  @Override
  default NDArray samplePrior(NDManager manager, Shape shape) {
    return Scalars.muli(manager.randomNormal(shape), priorStd());
  }

  /** log N(x; 0, priorStd^2 I) per row. */
  @Override
  default NDArray priorLogDensity(NDArray x) {
    double std = priorStd();
    long n = x.getShape().get(0);
    long dim = x.size() / n;
    double logNorm = -0.5 * dim * Math.log(2 * Math.PI * std * std);
    return Scalars.addi(Scalars.muli(x.reshape(n, dim).square().sum(new int[] {1}),
        -0.5 / (std * std)), logNorm);
  }

  @Override
  default String describePrior() {
    String s = String.format(Locale.ROOT, "prior N(0, %.4f^2 I) at t = %s", priorStd(), tMax());
    double a = a(tMax());
    if (a != 1.0 && a != 0.0) {
      s += String.format(Locale.ROOT, " (a there is %.4f, taken as 0)", a);
    }
    return s;
  }

  @Override
  default Optional<GaussianProcess> gaussian() {
    return Optional.of(this);
  }
}
