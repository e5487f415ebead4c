package dev.scoreflow.schedule;

/**
 * The variables the probability-flow ODE is integrated in (docs/theory.md, "Probability-flow
 * ODE"): a time variable u(t), increasing, and a state y = x / c(t), in which the equation reads
 *
 * <pre>
 *   dy/du = w_eps(t) n_hat(x, t) + w_x0(t) x0_hat(x, t),   x = c(t) y,  t = t(u).
 * </pre>
 *
 * The default ({@link #noiseScale}) is u = lambda = b/a, c = a, dy/dlambda = n_hat: smooth near
 * the data and free of the schedule; for a kernel (a = 1, b = s) it is dx/ds = (x - x0_hat)/s,
 * the drift (s'/s)(x - x0_hat) per unit of s. Where lambda is infinite at the start (a(tMax) = 0,
 * rectified flow), {@link #time} integrates in t itself: dx/dt = a' x0_hat + b' n_hat.
 */
public interface FlowCoordinates {
  /** u(t). */
  double u(double t);

  /** t(u), the inverse of {@link #u}. */
  double t(double u);

  /** c(t): the state is y = x / c(t). */
  double scale(double t);

  /** w_eps(t): the weight of n_hat in dy/du. */
  double epsWeight(double t);

  /** w_x0(t): the weight of x0_hat in dy/du. */
  double x0Weight(double t);

  /** u = lambda, y = x / a, dy/dlambda = n_hat. */
  static FlowCoordinates noiseScale(NoiseProcess p) {
    return new FlowCoordinates() {
      @Override
      public double u(double t) {
        return p.lambda(t);
      }

      @Override
      public double t(double u) {
        return p.tOfLambda(u);
      }

      @Override
      public double scale(double t) {
        return p.a(t);
      }

      @Override
      public double epsWeight(double t) {
        return 1;
      }

      @Override
      public double x0Weight(double t) {
        return 0;
      }
    };
  }

  /** u = t, y = x, dx/dt = a' x0_hat + b' n_hat. */
  static FlowCoordinates time(NoiseProcess p) {
    return new FlowCoordinates() {
      @Override
      public double u(double t) {
        return t;
      }

      @Override
      public double t(double u) {
        return u;
      }

      @Override
      public double scale(double t) {
        return 1;
      }

      @Override
      public double epsWeight(double t) {
        return p.bDot(t);
      }

      @Override
      public double x0Weight(double t) {
        return p.aDot(t);
      }
    };
  }
}
