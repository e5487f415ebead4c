package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;

/** One step y(s) -> y(s + h) of an explicit Runge-Kutta method of fixed order. */
public enum FixedStepMethod {
  /** Order 1, one evaluation. */
  EULER(1) {
    @Override
    NDArray step(OdeSystem f, double s, NDArray y, double h) {
      return y.add(f.derivative(s, y).mul(h));
    }
  },
  /** Heun's method (explicit trapezoid), order 2, two evaluations. */
  HEUN(2) {
    @Override
    NDArray step(OdeSystem f, double s, NDArray y, double h) {
      NDArray k1 = f.derivative(s, y);
      NDArray k2 = f.derivative(s + h, y.add(k1.mul(h)));
      return y.add(k1.addi(k2).muli(h / 2));
    }
  },
  /** The classical fourth-order Runge-Kutta method, four evaluations. */
  RK4(4) {
    @Override
    NDArray step(OdeSystem f, double s, NDArray y, double h) {
      NDArray k1 = f.derivative(s, y);
      NDArray k2 = f.derivative(s + h / 2, y.add(k1.mul(h / 2)));
      NDArray k3 = f.derivative(s + h / 2, y.add(k2.mul(h / 2)));
      NDArray k4 = f.derivative(s + h, y.add(k3.mul(h)));
      NDArray sum = k1.addi(k2.muli(2)).addi(k3.muli(2)).addi(k4);
      return y.add(sum.muli(h / 6));
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
