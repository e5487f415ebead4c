package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import dev.scoreflow.tensor.DeviceConstant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GroupNorm as PyTorch defines it (biased variance, eps inside the square root), which DJL 0.29
 * lacks. Each sample's groups are normalised with layer_norm over a [B, G, -1] view, then the
 * per-channel affine is applied: DJL-NOTES.md found this faster than explicit mean/variance.
 */
public final class GroupNorm {
  /** PyTorch's default. */
  public static final float EPS = 1e-5f;

  /** Unit weight and zero bias of layer_norm, by length (a handful of lengths per network). */
  private static final ConcurrentHashMap<Long, DeviceConstant[]> UNITS = new ConcurrentHashMap<>();

  private GroupNorm() {}

  private static DeviceConstant[] units(long n) {
    float[] ones = new float[Math.toIntExact(n)];
    java.util.Arrays.fill(ones, 1f);
    return new DeviceConstant[] {new DeviceConstant(ones), new DeviceConstant(new float[ones.length])};
  }

  /** GroupNorm of x [B, C, ...] with the parameters NAME.g, NAME.b (see {@link Init#norm}). */
  public static NDArray apply(ParameterStore p, String name, NDArray x, int groups) {
    return apply(x, groups, p.get(name + ".g"), p.get(name + ".b"));
  }

  /** GroupNorm of x [B, C, ...] into {@code groups} groups, then gamma[c] * y + beta[c]. */
  public static NDArray apply(NDArray x, int groups, NDArray gamma, NDArray beta) {
    Shape s = x.getShape();
    if (s.dimension() < 2) {
      throw new IllegalArgumentException("GroupNorm needs [B, C, ...], got " + s);
    }
    long b = s.get(0);
    long c = s.get(1);
    if (c % groups != 0) {
      throw new IllegalArgumentException(c + " channels do not split into " + groups + " groups");
    }
    NDArray grouped = x.reshape(b, groups, -1);
    long n = grouped.getShape().get(2);
    // layer_norm in DJL's PyTorch engine needs a weight and bias (null is dereferenced): unit
    // ones and zeros, made once per length and device instead of twice per call.
    NDManager m = x.getManager();
    DeviceConstant[] unit = UNITS.computeIfAbsent(n, GroupNorm::units);
    NDArray normed = LayerNorm.layerNorm(grouped, new Shape(n), unit[0].on(m), unit[1].on(m), EPS)
        .singletonOrThrow().reshape(s);
    long[] channelShape = new long[s.dimension() - 1];
    java.util.Arrays.fill(channelShape, 1);
    channelShape[0] = c;
    NDArray scale = onManager(gamma.reshape(channelShape), m);
    NDArray shift = onManager(beta.reshape(channelShape), m);
    return Ops.plus(Ops.times(normed, scale), shift);
  }

  /** A view of a parameter is created on the parameter's long-lived manager; move it to x's. */
  private static NDArray onManager(NDArray view, NDManager m) {
    view.attach(m);
    return view;
  }
}
