package dev.scoreflow.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One optimisation step of the diffusion objective on a batch: forward, backward, optional
 * global-norm clipping, Adam, optional EMA, gradient zeroed, all on the flat buffers of {@link
 * FlatParameters}. Shared by the trainer and the benchmark so both time the same code. Call
 * inside an NDScope: every temporary is released there. Nothing in it reads the device from the
 * host or copies a number to it: the loss is returned on the device.
 */
public final class OptimizerStep implements TrainingStep {
  private final EpsNetwork net;
  private final FlatParameters params;
  private final DiffusionObjective objective;
  private final Adam adam;
  private final double gradClip;
  private final Ema ema;

  /** {@code gradClip} 0 and {@code ema} null turn those parts off. */
  public OptimizerStep(EpsNetwork net, FlatParameters params, DiffusionObjective objective,
      Adam adam, double gradClip, Ema ema) {
    this.net = net;
    this.params = params;
    this.objective = objective;
    this.adam = adam;
    this.gradClip = gradClip;
    this.ema = ema;
  }

  /** Runs the step and returns the batch loss (a scalar still on the device). */
  @Override
  public NDArray apply(Engine engine, NDArray x0, NDArray labels, double lr) {
    NDArray loss;
    try (GradientCollector gc = engine.newGradientCollector();
        ParameterStore views = params.recordedViews(x0.getManager())) {
      loss = objective.loss(net, views, x0, labels);
      gc.backward(loss);
    }
    update(params.gradient(), lr);
    return loss;
  }

  /**
   * The part after the backward pass: clipping, Adam and the EMA on the flat buffers, then the
   * gradient zeroed. {@code grad} is the flat gradient of the whole batch.
   */
  void update(NDArray grad, double lr) {
    if (gradClip > 0) {
      GradientClipping.clip(grad, gradClip);
    }
    adam.step(params.flat(), grad, lr);
    if (ema != null) {
      ema.update(params.flat(), adam.stepCount() - 1);
    }
    params.zeroGradient();
  }

  EpsNetwork network() {
    return net;
  }

  FlatParameters parameters() {
    return params;
  }

  DiffusionObjective objective() {
    return objective;
  }

  /** Computes {@code loss} under a gradient collector and backpropagates it; returns the loss. */
  public static NDArray backward(Engine engine, Supplier<NDArray> loss) {
    try (GradientCollector gc = engine.newGradientCollector()) {
      NDArray value = loss.get();
      gc.backward(value);
      return value;
    }
  }

  /** Each parameter's accumulated gradient, by name. */
  public static Map<String, NDArray> gradients(ParameterStore params) {
    Map<String, NDArray> grads = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
      grads.put(e.getKey(), e.getValue().getGradient());
    }
    return grads;
  }

  /** Zeroes every parameter's gradient: the collector never does (DJL-NOTES trap 3). */
  public static void zeroGradients(ParameterStore params) {
    for (NDArray p : params.asMap().values()) {
      JniUtils.zeroGrad((PtNDArray) p);
    }
  }
}
