package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.schedule.FlowCoordinates;
import dev.scoreflow.tensor.Scalars;

/**
 * The probability-flow ODE of any process in the coordinates the process chooses
 * (docs/theory.md, "Probability-flow ODE"; {@link FlowCoordinates}): y = x / c(t), time u(t),
 * dy/du = w_eps n_hat + w_x0 x0_hat. For the Gaussian processes and the kernels this is
 * dy/dlambda = n_hat with y = x / a (schedule-free; one Euler step is DDIM with eta = 0); for
 * rectified flow it is dx/dt = a' x0_hat + b' n_hat, in t.
 */
public final class ProbabilityFlow implements OdeSystem {
  private final Denoiser denoiser;
  private final FlowCoordinates coords;

  public ProbabilityFlow(Denoiser denoiser) {
    this.denoiser = denoiser;
    this.coords = denoiser.process().flowCoordinates();
  }

  @Override
  public NDArray derivative(double u, NDArray y) {
    double t = coords.t(u);
    double c = coords.scale(t);
    NDArray x = c == 1 ? y : Scalars.mul(y, c);
    return denoiser.at(x, t).linear(0, coords.epsWeight(t), coords.x0Weight(t));
  }

  /**
   * Carries x from time {@code grid[0]} to {@code grid[last]} (either direction) along the ODE;
   * the solver steps between the u of the grid's times.
   */
  public NDArray transport(OdeSolver solver, NDArray x, double[] timeGrid,
      OdeSolver.Observer observer) {
    double[] us = new double[timeGrid.length];
    for (int k = 0; k < timeGrid.length; k++) {
      us[k] = coords.u(timeGrid[k]);
    }
    double cStart = coords.scale(timeGrid[0]);
    double cEnd = coords.scale(timeGrid[timeGrid.length - 1]);
    try (NDArray y0 = Scalars.div(x, cStart)) {
      OdeSolver.Observer inX = (u, y) -> {
        double t = coords.t(u);
        try (NDArray xs = Scalars.mul(y, coords.scale(t))) {
          observer.onStep(t, xs);
        }
      };
      NDArray yEnd = solver.integrate(this, y0, us, observer == OdeSolver.Observer.NONE
          ? OdeSolver.Observer.NONE : inX);
      NDArray out = Scalars.mul(yEnd, cEnd);
      yEnd.close();
      return out;
    }
  }
}
