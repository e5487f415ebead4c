package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * eps(x, t | y): the class-conditional denoiser behind classifier-free guidance (docs/theory.md,
 * "Class conditioning and guidance"). Labels are INT32 [B] on x's device with values 0..K-1 (the
 * classes) or K (the null class: the unconditional prediction); null labels mean the null class
 * for every row. A class-conditional network and the exact Gaussian-mixture oracle fit behind it;
 * samplers never see it, only the {@link GuidedPredictor} built from it.
 */
public interface ConditionalPredictor {
  /** eps for the batch x at time t given one label per row (null: the null class). */
  NDArray predict(NDArray x, double t, NDArray labels);

  /** K, the number of classes; label K is the null class. */
  int numClasses();

  /**
   * A class-conditional network with fixed weights. The time goes in as one value [1], as in
   * {@link NoisePredictor#of}.
   */
  static ConditionalPredictor of(EpsNetwork net, ParameterStore params) {
    if (net.numClasses() < 1) {
      throw new IllegalArgumentException("the " + net.architecture() + " network is not"
          + " class-conditional; train with --class-conditional");
    }
    return new ConditionalPredictor() {
      @Override
      public NDArray predict(NDArray x, double t, NDArray labels) {
        NDArray time = x.getManager().full(new Shape(1), (float) t);
        return labels == null ? net.forward(params, x, time) : net.forward(params, x, time, labels);
      }

      @Override
      public int numClasses() {
        return net.numClasses();
      }
    };
  }
}
