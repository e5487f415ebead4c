package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.tensor.Scalars;

/**
 * The one conversion layer between what a network predicts and what a sampler needs
 * (docs/theory.md, "Parameterisations"): a {@link NoisePredictor} (network, oracle, guided
 * mixture of both) whose output is an eps, x0 or velocity {@link Prediction} on a
 * {@link NoiseProcess}. Samplers ask an {@link Estimate} for n_hat, x0_hat, the velocity, or any
 * linear combination c_x x + c_eps n_hat + c_x0 x0_hat of them; all are affine in (x, prediction)
 * with coefficients that depend on t only, folded here into one multiply-add. Guidance, being a
 * linear combination of predictions, commutes with these maps.
 */
public final class Denoiser {
  private final NoisePredictor network;
  private final NoiseProcess process;
  private final Prediction prediction;
  private final double dataScale;

  private Denoiser(NoisePredictor network, NoiseProcess process, Prediction prediction,
      double dataScale) {
    this.network = network;
    this.process = process;
    this.prediction = prediction;
    this.dataScale = dataScale;
  }

  /** {@code network}'s output read as {@code prediction}; refuses one the process cannot use. */
  public static Denoiser of(NoisePredictor network, NoiseProcess process, Prediction prediction) {
    process.checkPrediction(prediction);
    return new Denoiser(network, process, prediction, Prediction.DEFAULT_DATA_SCALE);
  }

  /** The same with the data's scale sigma_data, which {@link Prediction#EDM} reads. */
  public Denoiser withDataScale(double sigmaData) {
    return new Denoiser(network, process, prediction, sigmaData);
  }

  /** A noise predictor (eps): the oracles and every network trained before --prediction. */
  public static Denoiser ofEps(NoisePredictor eps, NoiseProcess process) {
    return of(eps, process, Prediction.EPS);
  }

  /** The same conversion around another predictor, e.g. one that counts the calls. */
  public Denoiser withNetwork(NoisePredictor other) {
    return new Denoiser(other, process, prediction, dataScale);
  }

  public NoisePredictor network() {
    return network;
  }

  public NoiseProcess process() {
    return process;
  }

  public Prediction prediction() {
    return prediction;
  }

  /** c_x x + c_eps n_hat + c_x0 x0_hat as an affine map of x and the raw prediction at time t. */
  public Prediction.Affine combination(double t, double cX, double cEps, double cX0) {
    Prediction.At at = Prediction.At.of(process, t, dataScale);
    Prediction.Affine c = new Prediction.Affine(cX, 0);
    if (cEps != 0) {
      c = c.plus(prediction.epsOf(at).times(cEps));
    }
    if (cX0 != 0) {
      c = c.plus(prediction.x0Of(at).times(cX0));
    }
    return c;
  }

  /** One network evaluation at (x, t). */
  public Estimate at(NDArray x, double t) {
    return new Estimate(x, t, network.predict(x, t));
  }

  /** c.x * x + c.p * p, skipping zero terms (p itself when c = (0, 1)). */
  public static NDArray apply(Prediction.Affine c, NDArray x, NDArray p) {
    if (c.x() == 0) {
      return c.p() == 1 ? p : Scalars.mul(p, c.p());
    }
    NDArray out = Scalars.mul(x, c.x());
    return c.p() == 0 ? out : c.p() == 1 ? out.addi(p) : out.addi(Scalars.mul(p, c.p()));
  }

  /** The network's answer at one (x, t), readable as any of the estimates. */
  public final class Estimate {
    private final NDArray x;
    private final double t;
    private final NDArray raw;

    Estimate(NDArray x, double t, NDArray raw) {
      this.x = x;
      this.t = t;
      this.raw = raw;
    }

    /** The prediction as the network gave it. */
    public NDArray raw() {
      return raw;
    }

    /** n_hat = E[n | x_t = x] (eps_hat for a Gaussian process). */
    public NDArray eps() {
      return linear(0, 1, 0);
    }

    /** x0_hat = E[x_0 | x_t = x]. */
    public NDArray x0() {
      return linear(0, 0, 1);
    }

    /** The probability-flow drift dx/dt = a' x0_hat + b' n_hat. */
    public NDArray velocity() {
      return linear(0, process.bDot(t), process.aDot(t));
    }

    /** c_x x + c_eps n_hat + c_x0 x0_hat in one multiply-add. */
    public NDArray linear(double cX, double cEps, double cX0) {
      return apply(combination(t, cX, cEps, cX0), x, raw);
    }
  }
}
