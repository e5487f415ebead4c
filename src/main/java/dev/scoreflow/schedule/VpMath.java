package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/** Float32 helpers for the variance-preserving processes. */
final class VpMath {
  private VpMath() {}

  /**
   * b = sqrt(1 - a^2) = sqrt(-expm1(2 log a)) from log a, on the device. 1 - exp(u) in float32
   * loses all precision for u near 0 and can even come out negative (a vectorised exp may round
   * above 1), which made sqrt return NaN at small t; a series is used there instead.
   */
  static NDArray noiseScaleFromLogA(NDArray logA) {
    NDArray u = logA.mul(2);
    NDArray series = u.mul(u.mul(1.0 / 6).add(0.5)).add(1).mul(u).neg(); // -u (1 + u/2 + u^2/6)
    NDArray direct = u.exp().neg().add(1);
    return NDArrays.where(u.gt(-1e-2), series, direct).maximum(0).sqrt();
  }
}
