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

/**
 * One optimisation step of the diffusion objective on a batch: forward, backward, optional
 * global-norm clipping, Adam, optional EMA, gradients zeroed. Shared by the trainer and the
 * benchmark so both time the same code. Call inside an NDScope: every temporary is released there.
 */
public final class OptimizerStep {
  private final EpsNetwork net;
  private final ParameterStore params;
  private final DiffusionObjective objective;
  private final Adam adam;
  private final double gradClip;
  private final Ema ema;

  /** {@code gradClip} 0 and {@code ema} null turn those parts off. */
  public OptimizerStep(EpsNetwork net, ParameterStore params, DiffusionObjective objective,
      Adam adam, double gradClip, Ema ema) {
    this.net = net;
    this.params = params;
    this.objective = objective;
    this.adam = adam;
    this.gradClip = gradClip;
    this.ema = ema;
  }

  /** Runs the step and returns the batch loss (a scalar still on the device). */
  public NDArray apply(Engine engine, NDArray x0, double lr) {
    NDArray loss;
    try (GradientCollector gc = engine.newGradientCollector()) {
      loss = objective.loss(net, params, x0);
      gc.backward(loss);
    }
    Map<String, NDArray> grads = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
      grads.put(e.getKey(), e.getValue().getGradient());
    }
    if (gradClip > 0) {
      GradientClipping.clip(grads.values(), gradClip);
    }
    adam.step(params, grads, lr);
    if (ema != null) {
      ema.update(params, adam.stepCount() - 1);
    }
    for (NDArray p : params.asMap().values()) {
      JniUtils.zeroGrad((PtNDArray) p); // the collector never zeroes them (DJL-NOTES trap 3)
    }
    return loss;
  }
}
