package dev.scoreflow.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Arithmetic of an array with a Java number, without a host-to-device copy. DJL's {@code
 * NDArray.mul(Number)} and friends turn the number into a tensor from a Java buffer, which on a
 * GPU is a blocking copy (a stream synchronisation) per call. Here the number becomes a 0-d
 * tensor made by a fill kernel on the array's device (torch::full): the value is a kernel
 * argument, so nothing waits. The 0-d tensor has the array's dtype; PyTorch computes a float32
 * op with a 0-d operand in float32 either way, so results are bit-identical to {@code op(Number)}.
 *
 * <p>The constant is closed right after the op: it owns its storage (unlike a tensor over a
 * Java buffer), so autograd keeps what it saved for the backward pass.
 */
public final class Scalars {
  private static final Shape SCALAR = new Shape();

  private Scalars() {}

  /** {@code v} as a 0-d array of x's dtype on x's device, attached to x's manager. */
  public static NDArray like(NDArray x, double v) {
    // DJL's own full() takes a float; its JNI call takes the double, which keeps float64 exact.
    return JniUtils.full((PtNDManager) x.getManager(), SCALAR, v, x.getDataType(), x.getDevice(),
        SparseFormat.DENSE);
  }

  /**
   * The values as a 1-D float32 array on {@code m}'s device, one fill kernel each and no upload:
   * for short per-call vectors (a few mixture components) that depend on a Java number.
   */
  public static NDArray vector(NDManager m, float[] values) {
    NDList parts = new NDList(values.length);
    for (float v : values) {
      parts.add(m.full(new Shape(1), v));
    }
    NDArray out = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
    if (parts.size() > 1) {
      parts.close();
    }
    return out;
  }

  public static NDArray add(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.add(c);
    }
  }

  public static NDArray addi(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.addi(c);
    }
  }

  public static NDArray sub(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.sub(c);
    }
  }

  /** v - x. */
  public static NDArray rsub(double v, NDArray x) {
    try (NDArray c = like(x, v)) {
      return c.sub(x);
    }
  }

  public static NDArray mul(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.mul(c);
    }
  }

  public static NDArray muli(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.muli(c);
    }
  }

  public static NDArray div(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.div(c);
    }
  }

  public static NDArray divi(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.divi(c);
    }
  }

  /** v / x. */
  public static NDArray rdiv(double v, NDArray x) {
    try (NDArray c = like(x, v)) {
      return c.div(x);
    }
  }

  public static NDArray minimum(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.minimum(c);
    }
  }

  public static NDArray maximum(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.maximum(c);
    }
  }

  public static NDArray gt(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.gt(c);
    }
  }

  public static NDArray lt(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.lt(c);
    }
  }

  /** x mod v, with the sign of v (Python's %). */
  public static NDArray mod(NDArray x, double v) {
    try (NDArray c = like(x, v)) {
      return x.mod(c);
    }
  }
}
