package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * eps_theta(x_i, t_i) for given pairs: the network alone, with no sampler around it, so that its
 * outputs can be compared with another implementation's on the same inputs. t is the network's
 * own time in [0, 1] (it embeds t * 1000, as the PyTorch reference does).
 */
public final class EpsEvaluation {
  private EpsEvaluation() {}

  /**
   * eps for x of shape [B, dataShape...] and t of shape [B], on x's manager.
   *
   * @throws IllegalArgumentException naming the shape that does not fit the network
   */
  public static NDArray evaluate(EpsNetwork net, ParameterStore params, NDArray x, NDArray t) {
    Shape xs = x.getShape();
    Shape want = new Shape(xs.dimension() == 0 ? -1 : xs.get(0)).addAll(net.dataShape());
    if (xs.dimension() != want.dimension() || !xs.slice(1).equals(net.dataShape())) {
      throw new IllegalArgumentException("x has shape " + xs + ", the " + net.architecture()
          + " network takes [B, " + net.dataShape().toString().replaceAll("[()]", "") + "]");
    }
    if (t.getShape().dimension() != 1 || t.getShape().get(0) != xs.get(0)) {
      throw new IllegalArgumentException("t has shape " + t.getShape() + ", expected [" + xs.get(0)
          + "] (one time per row of x)");
    }
    return net.forward(params, x, t);
  }
}
