package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.scoreflow.tensor.Scalars;

/** Small tensor functions the networks share; DJL 0.29 lacks some of them (DJL-NOTES.md). */
public final class Ops {
  private static final Shape UNIT = new Shape(1, 1);
  /** Interpolation mode code of DJL's PyTorch bridge for "nearest". */
  private static final int NEAREST = 0;

  private Ops() {}

  /** SiLU(x) = x * sigmoid(x); faster than Activation.swish on DJL 0.29. */
  public static NDArray silu(NDArray x) {
    return times(Activation.sigmoid(x), x);
  }

  /**
   * Whether autograd records ops now. When it does not (sampling), temporaries may be
   * overwritten in place, which saves a fresh output array per op; when it does, an in-place op
   * could overwrite a value the backward pass needs.
   */
  public static boolean recording() {
    return JniUtils.isGradMode();
  }

  /**
   * Whether this forward pass trains the weight {@code w}: autograd records and {@code w} takes
   * gradients. False while sampling (nothing records) and in the likelihood's divergence (only
   * the input is differentiated): what decides whether dropout acts.
   */
  public static boolean differentiates(NDArray w) {
    return recording() && JniUtils.requiresGrad((PtNDArray) w);
  }

  /** temp + other, written into {@code temp} (a temporary of the caller's) when not recording. */
  public static NDArray plus(NDArray temp, NDArray other) {
    return recording() ? temp.add(other) : temp.addi(other);
  }

  /** temp * other, written into {@code temp} (a temporary of the caller's) when not recording. */
  public static NDArray times(NDArray temp, NDArray other) {
    return recording() ? temp.mul(other) : temp.muli(other);
  }

  /** y = x W^T + b with the parameters NAME.w, NAME.b. */
  public static NDArray linear(ParameterStore p, String name, NDArray x) {
    return Linear.linear(x, p.get(name + ".w"), p.get(name + ".b")).singletonOrThrow();
  }

  /**
   * 2-D convolution with the parameters NAME.w [out, in, k, k] and NAME.b [out], square stride
   * and zero padding, no dilation, one group.
   */
  public static NDArray conv2d(ParameterStore p, String name, NDArray x, int stride, int padding) {
    Shape s = stride == 1 ? UNIT : new Shape(stride, stride);
    Shape pad = new Shape(padding, padding);
    return Conv2d.conv2d(x, p.get(name + ".w"), p.get(name + ".b"), s, pad, UNIT, 1)
        .singletonOrThrow();
  }

  /**
   * Nearest-neighbour 2x upsampling of [B, C, H, W], PyTorch's upsample_nearest2d (through DJL's
   * PyTorch bridge; DJL 0.29 has no engine-neutral call for it). Bit-equal to repeating rows and
   * columns, and its backward pass is one kernel where repeat's is an expand-and-sum.
   */
  public static NDArray upsampleNearest2x(NDArray x) {
    Shape s = x.getShape();
    return JniUtils.interpolate((PtNDArray) x, new long[] {2 * s.get(2), 2 * s.get(3)},
        NEAREST, false);
  }

  /** The frequencies f_i = exp(-ln(10000) i / half), i = 0..half-1, of the sinusoidal embedding. */
  public static NDArray sinusoidalFrequencies(NDManager m, int dim) {
    int half = dim / 2;
    return m.arange(0, half, 1, DataType.FLOAT32).mul(-Math.log(10000.0) / half).exp();
  }

  /**
   * [sin(t*1000*f_i), cos(t*1000*f_i)] for t of shape [B]: the reference's embedding
   * (docs/reference.md, "The two architectures"), shape [B, dim].
   */
  public static NDArray sinusoidal(NDArray t, NDArray freqs) {
    // [B, 1] * [half] broadcasts; an expandDims view of freqs would land in its long-lived manager.
    NDArray arg = Scalars.mul(t, 1000f).expandDims(1).mul(freqs);
    return NDArrays.concat(new ai.djl.ndarray.NDList(arg.sin(), arg.cos()), 1);
  }
}
