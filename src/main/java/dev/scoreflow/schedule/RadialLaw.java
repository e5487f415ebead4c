package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.Scalars;

/**
 * A radially symmetric law rho of z in R^D, D the size of one example (docs/theory.md,
 * "Scale-family kernels"): the fixed shape of a {@link KernelProcess}'s noise.
 */
public interface RadialLaw {

  /** The law in words, e.g. {@code N(0, I)}. */
  String describe();

  /** One z per example: shape [B, ...], each example's D numbers one draw of rho. */
  NDArray sample(NDManager manager, Shape shape);

  /** log rho(z) for each row of z [N, ...], as [N] (nats, normalised). */
  NDArray logDensity(NDArray z);

  /**
   * The rough size of one coordinate of z (1 for N(0, I)): the process's
   * {@link NoiseProcess#noiseScale}, which only moves where a preconditioned network hands over
   * from its skip to its output, so an order of magnitude is all it needs to be.
   */
  default double coordinateScale() {
    return 1;
  }

  /** rho = N(0, I): with it a kernel process is a Gaussian a = 1, b = s one. */
  static RadialLaw standardNormal() {
    return new RadialLaw() {
      @Override
      public String describe() {
        return "N(0, I)";
      }

      @Override
      public NDArray sample(NDManager manager, Shape shape) {
        return manager.randomNormal(shape);
      }

      @Override
      public NDArray logDensity(NDArray z) {
        long n = z.getShape().get(0);
        long dim = z.size() / n;
        return Scalars.addi(Scalars.muli(z.reshape(n, dim).square().sum(new int[] {1}), -0.5),
            -0.5 * dim * Math.log(2 * Math.PI));
      }
    };
  }

  /**
   * Unit vectors in R^D, uniform on the sphere, one per example of {@code shape}: the direction
   * of any radial draw (a normal draw divided by its norm).
   */
  static NDArray uniformDirections(NDManager manager, Shape shape) {
    NDArray g = manager.randomNormal(shape);
    long n = shape.get(0);
    NDArray norm = g.reshape(n, -1).norm(new int[] {1}, true);
    return g.reshape(n, -1).div(norm).reshape(shape);
  }
}
