package dev.scoreflow.oracle;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.PosteriorMean;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.tensor.Scalars;

/**
 * The ideal denoiser for a finite data set {x^(k)} under any process (docs/theory.md,
 * "Oracles for tests"): p_t = mean_k p(x | x^(k)) with p(x | x^(k)) proportional to rho_n((x - a x^(k))/b),
 * rho_n the process's noise law, so x0_hat(x, t) = sum_k r_k x^(k) with
 * r = softmax_k(log rho_n((x - a x^(k)) / b)), and n_hat = (x - a x0_hat)/b. For a Gaussian
 * process r = softmax_k(-|x - a x^(k)|^2 / (2 b^2)). As a {@link NoisePredictor} it predicts
 * n_hat (eps); {@link #predictor} gives the other parameterisations. Sampling with it reproduces
 * training points: memorisation made visible.
 */
public final class FiniteDataOracle implements NoisePredictor {
  private final NoiseProcess process;
  private final NDArray data; // [K, D...]

  public FiniteDataOracle(NoiseProcess process, NDArray data) {
    this.process = process;
    this.data = data;
  }

  /** x0_hat(x, t), shape of x. */
  public NDArray x0(NDArray x, double t) {
    // A copy owned by x's manager: results land on the first operand's manager, and the data's
    // is long-lived.
    NDArray dc = data.toDevice(x.getDevice(), true);
    dc.attach(x.getManager());
    return PosteriorMean.of(process, x, dc, Scalars.like(x, process.a(t)),
        Scalars.like(x, process.b(t)), null);
  }

  /** n_hat = (x - a x0_hat)/b. */
  @Override
  public NDArray predict(NDArray x, double t) {
    return Scalars.divi(x.sub(Scalars.mul(x0(x, t), process.a(t))), process.b(t));
  }

  /** The oracle's answer in the given parameterisation (velocity: a' x0_hat + b' n_hat). */
  public NoisePredictor predictor(Prediction prediction) {
    switch (prediction) {
      case EPS:
        return this;
      case X0:
        return this::x0;
      case VELOCITY:
        return (x, t) -> {
          NDArray x0 = x0(x, t);
          NDArray eps = Scalars.divi(x.sub(Scalars.mul(x0, process.a(t))), process.b(t));
          return Scalars.muli(x0, process.aDot(t)).addi(Scalars.muli(eps, process.bDot(t)));
        };
      case EDM: // with sigma_data at its default, as a Denoiser reads it unless told otherwise
        return (x, t) -> Prediction.EDM.fromX0(
            Prediction.At.of(process, t, Prediction.DEFAULT_DATA_SCALE), x, x0(x, t));
      default:
        throw new AssertionError(prediction);
    }
  }
}
