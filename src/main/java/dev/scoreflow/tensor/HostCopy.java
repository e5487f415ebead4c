package dev.scoreflow.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.function.Function;

/**
 * The one way device arrays are read on the host. DJL's readers ({@code toFloatArray},
 * {@code getFloat}, {@code toByteBuffer}) on a GPU array copy it through a CPU sub-manager that
 * is never closed, so the host copy lives as long as the array's manager. Here the copy is made
 * explicitly, read, and closed. On the CPU the array is read in place (no copy).
 */
public final class HostCopy {
  private HostCopy() {}

  /** {@code reader} applied to a host copy of {@code a}, which is closed afterwards. */
  public static <T> T read(NDArray a, Function<NDArray, T> reader) {
    if (onHost(a)) {
      return reader.apply(a);
    }
    try (NDArray host = a.toDevice(Device.cpu(), false)) {
      return reader.apply(host);
    }
  }

  public static float[] floats(NDArray a) {
    return read(a, NDArray::toFloatArray);
  }

  /** The values of an integer array (INT32, or INT64 narrowed) on the host. */
  public static int[] ints(NDArray a) {
    return read(a, h -> {
      if (h.getDataType() == ai.djl.ndarray.types.DataType.INT32) {
        return h.toIntArray();
      }
      try (NDArray narrow = h.toType(ai.djl.ndarray.types.DataType.INT32, false)) {
        return narrow.toIntArray();
      }
    });
  }

  /** The single value of a scalar (any float or integer dtype) as a double. */
  public static double scalar(NDArray a) {
    return read(a, h -> h.toArray()[0].doubleValue());
  }

  /** Whether {@code a} already lives in host memory. */
  public static boolean onHost(NDArray a) {
    return Device.Type.CPU.equals(a.getDevice().getDeviceType());
  }

  /** {@code list} encoded as DJL's NDList bytes, from host copies of its arrays (names kept). */
  public static byte[] encode(NDList list) {
    NDList host = new NDList(list.size());
    try {
      for (NDArray a : list) {
        if (onHost(a)) {
          host.add(a);
        } else {
          NDArray h = a.toDevice(Device.cpu(), false);
          h.setName(a.getName());
          host.add(h);
        }
      }
      return host.encode();
    } finally {
      for (int i = 0; i < host.size(); i++) {
        if (host.get(i) != list.get(i)) {
          host.get(i).close();
        }
      }
    }
  }
}
