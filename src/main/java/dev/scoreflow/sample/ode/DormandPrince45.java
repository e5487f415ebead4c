package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.scoreflow.tensor.HostCopy;
import dev.scoreflow.tensor.Scalars;

/**
 * The adaptive Dormand-Prince 5(4) pair: seven stages, the fifth-order solution propagated, the
 * embedded fourth-order one used only for the error estimate; the last stage is the next step's
 * first (FSAL). Step sizes come from a {@link StepController}. Counts steps and rejections.
 */
public final class DormandPrince45 implements OdeSolver {
  private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
  private static final double[][] A = {
    {},
    {1.0 / 5},
    {3.0 / 40, 9.0 / 40},
    {44.0 / 45, -56.0 / 15, 32.0 / 9},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
  };
  /** Fifth-order weights minus fourth-order weights: the local error estimate. */
  private static final double[] E = {
    71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40
  };
  private static final int MAX_STEPS = 100_000;

  private final StepController controller;
  private int acceptedSteps;
  private int rejectedSteps;
  private long solves;
  private long totalAccepted;
  private long totalRejected;

  public DormandPrince45(StepController controller) {
    this.controller = controller;
  }

  @Override
  public String name() {
    return "rk45";
  }

  @Override
  public boolean usesGrid() {
    return false;
  }

  /** Steps over every solve so far: eval and chunked sampling run one solve per chunk. */
  @Override
  public String summary() {
    String per = solves() > 1 ? " in " + solves() + " solves" : "";
    return "solver=rk45, accepted=" + totalAcceptedSteps() + ", rejected=" + totalRejectedSteps()
        + per;
  }

  public int acceptedSteps() {
    return acceptedSteps;
  }

  public int rejectedSteps() {
    return rejectedSteps;
  }

  /** Solves run so far, and their accepted and rejected steps in all (last solve included). */
  public long solves() {
    return solves;
  }

  public long totalAcceptedSteps() {
    return totalAccepted + acceptedSteps;
  }

  public long totalRejectedSteps() {
    return totalRejected + rejectedSteps;
  }

  @Override
  public NDArray integrate(OdeSystem system, NDArray y0, double[] grid, Observer observer) {
    double s = grid[0];
    double end = grid[grid.length - 1];
    double dir = Math.signum(end - s);
    totalAccepted += acceptedSteps;
    totalRejected += rejectedSteps;
    acceptedSteps = 0;
    rejectedSteps = 0;
    solves++;
    if (dir == 0) {
      return y0.duplicate();
    }
    NDArray y = y0;
    NDArray k1 = keep(system.derivative(s, y), y0);
    double h = dir * initialStep(system, s, y, k1, Math.abs(end - s), dir);
    while (dir * (end - s) > 0) {
      if (acceptedSteps + rejectedSteps > MAX_STEPS) {
        throw new IllegalStateException("rk45 took more than " + MAX_STEPS
            + " steps; loosen --rtol/--atol");
      }
      boolean lastStep = dir * (s + h - end) >= 0;
      if (lastStep) {
        h = end - s;
      }
      NDArray yNew = null;
      NDArray kLast;
      double err;
      try (NDScope scope = new NDScope()) {
        NDArray[] k = new NDArray[7];
        k[0] = k1;
        for (int i = 1; i < 7; i++) {
          NDArray yi = y;
          for (int j = 0; j < i; j++) {
            if (A[i][j] != 0) {
              yi = yi.add(Scalars.mul(k[j], h * A[i][j]));
            }
          }
          k[i] = system.derivative(s + C[i] * h, yi);
          if (i == 6) {
            yNew = yi; // row 7 of A holds the fifth-order weights: this stage is the solution
          }
        }
        NDArray errVec = Scalars.mul(k[0], h * E[0]);
        for (int j = 1; j < 7; j++) {
          if (E[j] != 0) {
            errVec = errVec.add(Scalars.mul(k[j], h * E[j]));
          }
        }
        NDArray scale = Scalars.addi(Scalars.muli(y.abs().maximum(yNew.abs()), controller.rtol()),
            controller.atol());
        err = rms(errVec.divi(scale));
        kLast = k[6];
        NDScope.unregister(yNew, kLast);
      }
      if (Double.isNaN(err)) {
        yNew.close();
        kLast.close();
        throw new IllegalStateException("rk45: the solution became NaN at s = " + s);
      }
      if (err <= 1.0) {
        yNew.attach(y0.getManager());
        kLast.attach(y0.getManager());
        if (y != y0) {
          y.close();
        }
        k1.close();
        y = yNew;
        k1 = kLast; // first same as last
        s = lastStep ? end : s + h;
        acceptedSteps++;
        observer.onStep(s, y);
      } else {
        yNew.close();
        kLast.close();
        rejectedSteps++;
      }
      h *= controller.factor(err, 4);
    }
    k1.close();
    return y == y0 ? y0.duplicate() : y;
  }

  private static NDArray keep(NDArray a, NDArray owner) {
    a.attach(owner.getManager());
    return a;
  }

  /** Hairer, Norsett and Wanner's starting step (Solving ODEs I, II.4): one extra evaluation. */
  private double initialStep(OdeSystem system, double s, NDArray y, NDArray f0, double span,
      double dir) {
    try (NDScope scope = new NDScope()) {
      NDArray sc = Scalars.addi(Scalars.muli(y.abs(), controller.rtol()), controller.atol());
      double d0 = rms(y.div(sc));
      double d1 = rms(f0.div(sc));
      double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
      h0 = Math.min(h0, span);
      NDArray y1 = y.add(Scalars.mul(f0, h0 * dir));
      NDArray f1 = system.derivative(s + h0 * dir, y1);
      double d2 = rms(f1.sub(f0).divi(sc)) / h0;
      double h1 = Math.max(d1, d2) <= 1e-15
          ? Math.max(1e-6, h0 * 1e-3)
          : Math.pow(0.01 / Math.max(d1, d2), 1.0 / 5);
      return Math.min(Math.min(100 * h0, h1), span);
    }
  }

  /**
   * The RMS norm, read on the host: step acceptance is decided in Java, so an adaptive step
   * waits for this one number (the only host read of a step).
   */
  private static double rms(NDArray a) {
    return Math.sqrt(HostCopy.scalar(a.square().mean()));
  }

}
