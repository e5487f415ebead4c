package dev.scoreflow.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Device-to-host reads that leave nothing behind. On a GPU, DJL's own host views
 * ({@code getByteBuffer}) keep a CPU copy alive until the array's manager closes; here the copy
 * is made explicitly, read and closed.
 */
public final class HostRead {
  private HostRead() {}

  /** The values as float32, in row-major order; {@code a} is neither modified nor closed. */
  public static float[] floats(NDArray a) {
    boolean onHost = a.getDevice().equals(Device.cpu());
    boolean isFloat = a.getDataType() == DataType.FLOAT32;
    if (onHost && isFloat) {
      return a.toFloatArray();
    }
    NDArray host = onHost ? a : a.toDevice(Device.cpu(), false);
    try {
      if (isFloat) {
        return host.toFloatArray();
      }
      try (NDArray f = host.toType(DataType.FLOAT32, false)) {
        return f.toFloatArray();
      }
    } finally {
      if (host != a) {
        host.close();
      }
    }
  }
}
