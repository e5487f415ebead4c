package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import dev.scoreflow.tensor.HostCopy;

/**
 * Sliced Wasserstein-1 distance between two equal-size point clouds: the mean, over fixed random
 * unit directions, of the 1-D Wasserstein-1 distance between the projections (the mean absolute
 * difference of the sorted projections). Directions come from their own seeded Java RNG, so the
 * statistic is deterministic for given inputs.
 */
public final class SlicedWasserstein {
  private final NDArray directions; // [D, P]

  public SlicedWasserstein(NDManager manager, int dim, int projections, long seed) {
    Random rng = new Random(seed);
    float[] v = new float[dim * projections];
    for (int p = 0; p < projections; p++) {
      double norm = 0;
      double[] d = new double[dim];
      for (int i = 0; i < dim; i++) {
        d[i] = rng.nextGaussian();
        norm += d[i] * d[i];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < dim; i++) {
        v[i * projections + p] = (float) (d[i] / norm);
      }
    }
    this.directions = manager.create(v, new Shape(dim, projections));
  }

  /** SW1 between x [N, D] and y [N, D]. */
  public double distance(NDArray x, NDArray y) {
    if (!x.getShape().equals(y.getShape())) {
      throw new IllegalArgumentException("sliced Wasserstein needs equal shapes, got "
          + x.getShape() + " and " + y.getShape());
    }
    try (NDManager m = x.getManager().newSubManager()) {
      NDArray dirs = directions.toDevice(x.getDevice(), false);
      NDArray px = x.reshape(x.getShape().get(0), -1).matMul(dirs).sort(0);
      NDArray py = y.reshape(y.getShape().get(0), -1).toDevice(x.getDevice(), false).matMul(dirs).sort(0);
      m.tempAttachAll(px, py);
      return (float) HostCopy.scalar(px.sub(py).abs().mean());
    }
  }
}
