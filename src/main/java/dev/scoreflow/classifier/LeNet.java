package dev.scoreflow.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import dev.scoreflow.model.Init;
import dev.scoreflow.model.Ops;
import dev.scoreflow.model.ParameterStore;

/**
 * LeNet-5 for 28x28 one-channel images, the feature extractor of FID-LeNet: conv 5x5 (1->6,
 * padding 2), ReLU, 2x2 max-pool; conv 5x5 (6->16), ReLU, 2x2 max-pool; Linear 400->120, ReLU;
 * Linear 120->84, ReLU (the 84 features); Linear 84->10 (class logits). 61,706 parameters.
 * Like the eps networks it is a pure function of a {@link ParameterStore}.
 */
public final class LeNet {
  public static final int FEATURES = 84;
  public static final int CLASSES = 10;
  private static final Shape POOL = new Shape(2, 2);
  private static final Shape NO_PADDING = new Shape(0, 0);

  /** Shape of one input image. */
  public Shape inputShape() {
    return new Shape(1, 28, 28);
  }

  /** Fresh PyTorch-default initialisation (draws from the engine's seeded generator). */
  public ParameterStore initParameters(NDManager manager) {
    ParameterStore p = new ParameterStore(manager);
    Init.conv(p, "conv1", 1, 6, 5);
    Init.conv(p, "conv2", 6, 16, 5);
    Init.linear(p, "fc1", 16 * 5 * 5, 120);
    Init.linear(p, "fc2", 120, FEATURES);
    Init.linear(p, "fc3", FEATURES, CLASSES);
    return p;
  }

  /** The 84 penultimate activations for images x [B, 1, 28, 28] in [-1, 1]: [B, 84]. */
  public NDArray features(ParameterStore p, NDArray x) {
    NDArray h = pool(Activation.relu(Ops.conv2d(p, "conv1", x, 1, 2)));
    h = pool(Activation.relu(Ops.conv2d(p, "conv2", h, 1, 0)));
    h = h.reshape(h.getShape().get(0), 16 * 5 * 5);
    h = Activation.relu(Ops.linear(p, "fc1", h));
    return Activation.relu(Ops.linear(p, "fc2", h));
  }

  /** Class logits [B, 10] from {@link #features}. */
  public NDArray logitsFromFeatures(ParameterStore p, NDArray features) {
    return Ops.linear(p, "fc3", features);
  }

  /** Class logits [B, 10] for images x [B, 1, 28, 28]. */
  public NDArray logits(ParameterStore p, NDArray x) {
    return logitsFromFeatures(p, features(p, x));
  }

  /** Mean cross-entropy of logits [B, 10] against int labels [B]. */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    return logits.logSoftmax(1).mul(labels.oneHot(CLASSES)).sum(new int[] {1}).mean().neg();
  }

  private static NDArray pool(NDArray x) {
    return Pool.maxPool2d(x, POOL, POOL, NO_PADDING, false);
  }
}
