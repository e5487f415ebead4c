package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/**
 * Rectified flow (flow matching with straight paths; docs/theory.md, "Rectified flow"):
 * a = 1 - t, b = t, so x_t = (1 - t) x_0 + t eps and the conditional velocity is eps - x_0.
 * The prior N(0, I) is reached exactly at t = 1, where sampling starts. There a = 0 and lambda
 * = b/a is infinite, so the probability-flow ODE runs in t itself ({@link FlowCoordinates#time}),
 * Euler in t being the method's standard sampler, and an eps prediction (from which x_0 =
 * (x - t eps)/(1 - t) cannot be read at t = 1) is refused. f = -1/(1 - t) and
 * g^2 = 2t/(1 - t) blow up at t = 1 as well, so the SDE-type samplers refuse it too.
 */
public final class RectifiedFlow implements GaussianProcess {

  @Override
  public String name() {
    return "rectified-flow";
  }

  @Override
  public double a(double t) {
    return 1 - t;
  }

  @Override
  public double b(double t) {
    return t;
  }

  @Override
  public double aDot(double t) {
    return -1;
  }

  @Override
  public double bDot(double t) {
    return 1;
  }

  @Override
  public NDArray a(NDArray t) {
    return Scalars.rsub(1, t);
  }

  @Override
  public NDArray b(NDArray t) {
    return t.duplicate();
  }

  @Override
  public NDArray aDot(NDArray t) {
    return t.onesLike().neg();
  }

  @Override
  public NDArray bDot(NDArray t) {
    return t.onesLike();
  }

  @Override
  public double f(double t) {
    return -1 / (1 - t);
  }

  @Override
  public double g2(double t) {
    // d(b^2)/dt - 2 f b^2 = 2t + 2t^2/(1 - t)
    return 2 * t / (1 - t);
  }

  @Override
  public double lambda(double t) {
    return t / (1 - t);
  }

  @Override
  public double tOfLambda(double lambda) {
    return Double.isInfinite(lambda) ? 1.0 : lambda / (1 + lambda);
  }

  @Override
  public Prediction defaultPrediction() {
    return Prediction.VELOCITY;
  }

  @Override
  public void checkPrediction(Prediction prediction) {
    if (prediction == Prediction.EPS || prediction == Prediction.EDM) {
      throw new IllegalArgumentException("--prediction " + prediction.id() + " does not work"
          + " with --process rectified-flow: sampling starts at t = 1 where a = 0, and x_0"
          + " cannot be read off an " + prediction.id() + " prediction there (both divide by a);"
          + " use --prediction velocity (its default) or x0");
    }
  }

  @Override
  public FlowCoordinates flowCoordinates() {
    return FlowCoordinates.time(this);
  }
}
