package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/** One step y(s) -> y(s + h) of an explicit Runge-Kutta method of fixed order. */
public enum FixedStepMethod {
  /** Order 1, one evaluation. */
  EULER(1) {
    @Override
    NDArray step(OdeSystem f, double s, NDArray y, double h) {
      return y.add(Scalars.mul(f.derivative(s, y), h));
    }
  },
  /** Heun's method (explicit trapezoid), order 2, two evaluations. */
  HEUN(2) {
    @Override
    NDArray step(OdeSystem f, double s, NDArray y, double h) {
      NDArray k1 = f.derivative(s, y);
      NDArray k2 = f.derivative(s + h, y.add(Scalars.mul(k1, h)));
      return y.add(Scalars.muli(k1.addi(k2), h / 2));
    }
  },
  /** The classical fourth-order Runge-Kutta method, four evaluations. */
  RK4(4) {
    @Override
    NDArray step(OdeSystem f, double s, NDArray y, double h) {
      NDArray k1 = f.derivative(s, y);
      NDArray k2 = f.derivative(s + h / 2, y.add(Scalars.mul(k1, h / 2)));
      NDArray k3 = f.derivative(s + h / 2, y.add(Scalars.mul(k2, h / 2)));
      NDArray k4 = f.derivative(s + h, y.add(Scalars.mul(k3, h)));
      NDArray sum = k1.addi(Scalars.muli(k2, 2)).addi(Scalars.muli(k3, 2)).addi(k4);
      return y.add(Scalars.muli(sum, h / 6));
    }
  };

  private final int order;

  FixedStepMethod(int order) {
    this.order = order;
  }

  public int order() {
    return order;
  }

  abstract NDArray step(OdeSystem f, double s, NDArray y, double h);
}
