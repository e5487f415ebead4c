package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.Scalars;
import java.util.Locale;

/**
 * A scale-family kernel process (docs/theory.md, "Scale-family kernels"):
 *
 * <pre>
 *   x_t = x_0 + s(t) z,   z ~ rho (a fixed radial law),   s(0) = 0, s increasing,
 * </pre>
 *
 * the affine form of {@link NoiseProcess} with a = 1, b = s and noise n = z. Whatever rho is, the
 * probability-flow drift is dx/dt = (s'/s)(x - x0_hat(x, t)) ({@link #drift}); the ODE is
 * integrated in u = s (the default {@link FlowCoordinates#noiseScale}, since lambda = b/a = s),
 * where it reads dx/ds = (x - x0_hat)/s. The prior is s(tMax) z, the data's offset x_0 taken as
 * 0. A concrete kernel gives s, s', the inverse of s and its law rho. A kernel is not Gaussian
 * (rho = N(0, I) excepted, which is VE): the SDE, DDPM, DDIM and DPM-Solver samplers refuse it,
 * the ODE sampler and the likelihood take it. Networks predict EDM's preconditioned x_0 by
 * default, trained on batch-averaged targets.
 */
public abstract class KernelProcess implements NoiseProcess {
  private final RadialLaw law;

  protected KernelProcess(RadialLaw law) {
    this.law = law;
  }

  /** The radial law rho of z. */
  public RadialLaw law() {
    return law;
  }

  /** The scale s(t). */
  public abstract double s(double t);

  /** ds/dt. */
  public abstract double sDot(double t);

  /** Inverse of {@link #s(double)}. */
  public abstract double tOfS(double s);

  /** s(t) on t's device. */
  public abstract NDArray s(NDArray t);

  /** ds/dt on t's device. */
  public abstract NDArray sDot(NDArray t);

  /** The probability-flow drift dx/dt = (s'/s)(x - x0_hat) at time t. */
  public NDArray drift(NDArray x, NDArray x0Hat, double t) {
    return Scalars.muli(x.sub(x0Hat), sDot(t) / s(t));
  }

  @Override
  public final double a(double t) {
    return 1;
  }

  @Override
  public final double b(double t) {
    return s(t);
  }

  @Override
  public final double aDot(double t) {
    return 0;
  }

  @Override
  public final double bDot(double t) {
    return sDot(t);
  }

  @Override
  public final NDArray a(NDArray t) {
    return t.onesLike();
  }

  @Override
  public final NDArray b(NDArray t) {
    return s(t);
  }

  @Override
  public final NDArray aDot(NDArray t) {
    return t.zerosLike();
  }

  @Override
  public final NDArray bDot(NDArray t) {
    return sDot(t);
  }

  @Override
  public final double lambda(double t) {
    return s(t);
  }

  @Override
  public final double tOfLambda(double lambda) {
    return tOfS(lambda);
  }

  @Override
  public NDArray sampleNoise(NDManager manager, Shape shape) {
    return law.sample(manager, shape);
  }

  @Override
  public NDArray noiseLogDensity(NDArray z) {
    return law.logDensity(z);
  }

  /** log p(x) = log rho(x / S) - D log S, S = s(tMax). */
  @Override
  public NDArray priorLogDensity(NDArray x) {
    double scale = s(tMax());
    long n = x.getShape().get(0);
    long dim = x.size() / n;
    return Scalars.addi(law.logDensity(Scalars.div(x, scale)), -dim * Math.log(scale));
  }

  @Override
  public String describePrior() {
    return String.format(Locale.ROOT, "prior s z, z ~ %s, s = %.4f at t = %s", law.describe(),
        s(tMax()), tMax());
  }

  @Override
  public double noiseScale() {
    return law.coordinateScale();
  }

  /** On: a heavy-tailed law makes single-draw targets noisy (docs/theory.md, "Stable targets"). */
  @Override
  public boolean defaultStableTarget() {
    return true;
  }

  /** EDM's preconditioned x_0 (docs/theory.md, "Parameterisations": measured best on gmm8). */
  @Override
  public Prediction defaultPrediction() {
    return Prediction.EDM;
  }
}
