package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.scoreflow.model.ParameterStore;

/**
 * The training weights in one flat buffer that collects one flat gradient. Each step the network
 * runs on views of the buffer cut under the gradient collector, so autograd sums every
 * parameter's gradient into the buffer's; clipping, weight decay, Adam, the EMA and zeroing are
 * then a few whole-buffer ops instead of a few per parameter (UNet-S has ~150 arrays, and on a
 * GPU each op is a kernel launch). The gradient values are those of separate parameters, so the
 * arithmetic is unchanged. Checkpoints save {@link #views()} by name, as before.
 */
public final class FlatParameters implements AutoCloseable {
  private final FlatArrays buffer;

  /** A flat copy of {@code initial}'s values and layout, collecting gradients. */
  public FlatParameters(ParameterStore initial, NDManager manager) {
    this.buffer = FlatArrays.copyOf(initial, manager);
    buffer.flat().setRequiresGradient(true);
  }

  /** The buffer, 1-D. */
  public NDArray flat() {
    return buffer.flat();
  }

  /**
   * The weights by name, as views of the buffer that autograd does not see: for reading,
   * checkpoints, the EMA and sampling. They follow every in-place update of the buffer.
   */
  public ParameterStore views() {
    return buffer.views();
  }

  /**
   * Views cut while the gradient collector records, for one forward pass: gradients flow through
   * them into the buffer's. The caller closes the store after the backward pass.
   */
  public ParameterStore recordedViews(NDManager parent) {
    ParameterStore p = new ParameterStore(parent);
    NDList parts = buffer.split(buffer.flat());
    int i = 0;
    for (String name : buffer.views().asMap().keySet()) {
      p.put(name, parts.get(i++));
    }
    return p;
  }

  /** The flat gradient (a new handle on it; close it or let the scope do so). */
  public NDArray gradient() {
    return buffer.flat().getGradient();
  }

  /** Zeroes the gradient in one call: DJL's gradient collector never zeroes gradients. */
  public void zeroGradient() {
    JniUtils.zeroGrad((PtNDArray) buffer.flat());
  }

  @Override
  public void close() {
    buffer.close();
  }
}
