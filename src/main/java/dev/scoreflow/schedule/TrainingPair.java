package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** One batch of training inputs x_t and the targets the network is fitted to. */
public record TrainingPair(NDArray xt, NDArray target) {

  /** [B, 1, 1, ...] so per-example scalars broadcast over an example's dimensions. */
  public static Shape broadcastShape(Shape x) {
    long[] s = new long[x.dimension()];
    java.util.Arrays.fill(s, 1);
    s[0] = x.get(0);
    return new Shape(s);
  }
}
