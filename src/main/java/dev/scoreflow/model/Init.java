package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Weight initialisation. scoreflow uses PyTorch's defaults for Linear and Conv2d (not DJL's):
 * weight and bias uniform in (-1/sqrt(fan_in), 1/sqrt(fan_in)), so the Java and the PyTorch
 * reference models start from the same distribution.
 */
public final class Init {
  private Init() {}

  public static NDArray uniform(NDManager m, Shape shape, long fanIn) {
    float bound = (float) (1.0 / Math.sqrt(fanIn));
    return m.randomUniform(-bound, bound, shape);
  }

  /** A Linear layer's weight [out, in] and bias [out] added to {@code p} as NAME.w, NAME.b. */
  public static void linear(ParameterStore p, String name, int in, int out) {
    p.put(name + ".w", uniform(p.manager(), new Shape(out, in), in));
    p.put(name + ".b", uniform(p.manager(), new Shape(out), in));
  }

  /** A Conv2d's weight [out, in, k, k] and bias [out] added as NAME.w, NAME.b. */
  public static void conv(ParameterStore p, String name, int in, int out, int k) {
    long fanIn = (long) in * k * k;
    p.put(name + ".w", uniform(p.manager(), new Shape(out, in, k, k), fanIn));
    p.put(name + ".b", uniform(p.manager(), new Shape(out), fanIn));
  }

  /** GroupNorm's per-channel scale (ones) and shift (zeros), as PyTorch initialises them. */
  public static void norm(ParameterStore p, String name, int channels) {
    p.put(name + ".g", p.manager().ones(new Shape(channels)));
    p.put(name + ".b", p.manager().zeros(new Shape(channels)));
  }
}
