package dev.scoreflow.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed table of floats uploaded once per device and then reused, so a hot loop never copies
 * it from the host again (each upload is a blocking copy on a GPU). The uploaded arrays live in
 * managers of their own for as long as this object: constants are small and few.
 */
public final class DeviceConstant {
  private final float[] values;
  private final Shape shape;
  private final ConcurrentHashMap<Device, NDArray> uploaded = new ConcurrentHashMap<>();

  public DeviceConstant(float[] values, Shape shape) {
    if (shape.size() != values.length) {
      throw new IllegalArgumentException(values.length + " values do not fill " + shape);
    }
    this.values = values.clone();
    this.shape = shape;
  }

  /** A 1-D table. */
  public DeviceConstant(float[] values) {
    this(values, new Shape(values.length));
  }

  /** Values rounded to float, as {@code NDManager.create(float[])} of them would store. */
  public static DeviceConstant ofDoubles(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return new DeviceConstant(f);
  }

  public Shape shape() {
    return shape;
  }

  /**
   * The table on {@code m}'s device as a view attached to {@code m} (no copy, no kernel): ops on
   * it put their results on {@code m}, not on the long-lived upload.
   */
  public NDArray on(NDManager m) {
    NDArray stored = uploaded.computeIfAbsent(m.getDevice(), this::upload);
    NDArray view = stored.reshape(shape);
    view.attach(m);
    return view;
  }

  private NDArray upload(Device device) {
    // A base manager per upload: the constant outlives any caller's manager or scope.
    NDManager owner = NDManager.newBaseManager(device);
    owner.setName("scoreflow-constant");
    NDArray a = owner.create(values, shape);
    ai.djl.ndarray.NDScope.unregister(a);
    return a;
  }
}
