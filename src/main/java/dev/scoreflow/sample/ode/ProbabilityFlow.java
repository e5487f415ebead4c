package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * The probability-flow ODE in the schedule-free form of THEORY.md (seed 000, last section; seed
 * 004, section 5): with y = x / a and lambda = b / a, dy/dlambda = eps(a y, t(lambda)). One Euler
 * step of it is exactly DDIM with eta = 0.
 */
public final class ProbabilityFlow implements OdeSystem {
  private final NoisePredictor eps;
  private final NoiseProcess process;

  public ProbabilityFlow(NoisePredictor eps, NoiseProcess process) {
    this.eps = eps;
    this.process = process;
  }

  @Override
  public NDArray derivative(double lambda, NDArray y) {
    double t = process.tOfLambda(lambda);
    double a = process.a(t);
    return eps.predict(Scalars.mul(y, a), t);
  }

  /**
   * Carries x from time {@code grid[0]} to {@code grid[last]} (either direction) along the ODE;
   * the solver steps between the lambdas of the grid's times.
   */
  public NDArray transport(OdeSolver solver, NDArray x, double[] timeGrid,
      OdeSolver.Observer observer) {
    double[] lambdas = new double[timeGrid.length];
    for (int k = 0; k < timeGrid.length; k++) {
      lambdas[k] = process.lambda(timeGrid[k]);
    }
    double aStart = process.a(timeGrid[0]);
    double aEnd = process.a(timeGrid[timeGrid.length - 1]);
    try (NDArray y0 = Scalars.div(x, aStart)) {
      OdeSolver.Observer inX = (lambda, y) -> {
        try (NDArray xs = Scalars.mul(y, process.a(process.tOfLambda(lambda)))) {
          observer.onStep(process.tOfLambda(lambda), xs);
        }
      };
      NDArray yEnd = solver.integrate(this, y0, lambdas, observer == OdeSolver.Observer.NONE
          ? OdeSolver.Observer.NONE : inX);
      NDArray out = Scalars.mul(yEnd, aEnd);
      yEnd.close();
      return out;
    }
  }
}
