package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/**
 * Variance-preserving process with linear beta(t) = bmin + t (bmax - bmin) (DDPM's continuous
 * limit; docs/theory.md, "One notation", the table): log a = -t^2 (bmax - bmin)/4 - t bmin/2, b = sqrt(1 - a^2).
 */
public final class VpLinear extends LogSignalVp {
  private final double bmin;
  private final double bmax;

  public VpLinear() {
    this(0.1, 20.0);
  }

  public VpLinear(double bmin, double bmax) {
    if (!(bmin > 0 && bmax > bmin)) {
      throw new IllegalArgumentException("vp-linear needs 0 < bmin < bmax, got " + bmin + ", " + bmax);
    }
    this.bmin = bmin;
    this.bmax = bmax;
  }

  @Override
  public String name() {
    return "vp-linear";
  }

  @Override
  double logSignal(double t) {
    return -t * t * (bmax - bmin) / 4 - t * bmin / 2;
  }

  public double beta(double t) {
    return bmin + t * (bmax - bmin);
  }



  @Override
  public double f(double t) {
    return -beta(t) / 2;
  }

  @Override
  public double g2(double t) {
    return beta(t);
  }


  @Override
  public double tOfLambda(double lambda) {
    // -log a = 0.5 log(1 + lambda^2) = c2 t^2 + c1 t: the positive root of a quadratic.
    double target = 0.5 * Math.log1p(lambda * lambda);
    double c2 = (bmax - bmin) / 4;
    double c1 = bmin / 2;
    return 2 * target / (c1 + Math.sqrt(c1 * c1 + 4 * c2 * target));
  }

  @Override
  NDArray logSignal(NDArray t) {
    return Scalars.mul(t.square(), -(bmax - bmin) / 4).sub(Scalars.mul(t, bmin / 2));
  }

  @Override
  NDArray logSignalRate(NDArray t) {
    return Scalars.add(Scalars.mul(t, -(bmax - bmin) / 2), -bmin / 2);
  }
}
