package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;

/**
 * A test kernel process: the scale family with rho = N(0, I) and the scale s(t) of a VE
 * process, so x_t = x_0 + s(t) z is VE's perturbation written as a kernel. It is not a Gaussian
 * process as far as the code knows (no {@link NoiseProcess#gaussian()} view), which makes it the
 * smallest non-Gaussian process to test the kernel path against VE.
 */
public final class GaussianKernel extends KernelProcess {
  private final Ve ve;

  public GaussianKernel(Ve ve) {
    super(RadialLaw.standardNormal());
    this.ve = ve;
  }

  @Override
  public String name() {
    return "gaussian-kernel";
  }

  @Override
  public double s(double t) {
    return ve.b(t);
  }

  @Override
  public double sDot(double t) {
    return ve.bDot(t);
  }

  @Override
  public double tOfS(double s) {
    return ve.tOfLambda(s);
  }

  @Override
  public NDArray s(NDArray t) {
    return ve.b(t);
  }

  @Override
  public NDArray sDot(NDArray t) {
    return ve.bDot(t);
  }
}
