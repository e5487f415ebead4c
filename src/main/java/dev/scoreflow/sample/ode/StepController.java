package dev.scoreflow.sample.ode;

/**
 * Step-size control for embedded Runge-Kutta pairs, apart from any equation (as in Hipparchus):
 * the error of a step is measured in the RMS norm of err_i / (atol + rtol max(|y0_i|, |y1_i|));
 * a step with norm <= 1 is accepted, and the next size scales by safety * norm^(-1/(q+1)).
 */
public final class StepController {
  private final double rtol;
  private final double atol;
  private final double safety = 0.9;
  private final double minFactor = 0.2;
  private final double maxFactor = 10.0;

  public StepController(double rtol, double atol) {
    if (!(rtol > 0) || !(atol > 0)) {
      throw new IllegalArgumentException("--rtol and --atol must be positive, got " + rtol + ", " + atol);
    }
    this.rtol = rtol;
    this.atol = atol;
  }

  public double rtol() {
    return rtol;
  }

  public double atol() {
    return atol;
  }

  /** Factor for the next step size after a step with error norm {@code errNorm}, for order q. */
  public double factor(double errNorm, int q) {
    if (errNorm == 0) {
      return maxFactor;
    }
    double fac = safety * Math.pow(errNorm, -1.0 / (q + 1));
    return Math.min(maxFactor, Math.max(minFactor, fac));
  }
}
