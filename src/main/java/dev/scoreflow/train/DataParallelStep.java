package dev.scoreflow.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.tensor.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimisation step with the batch split across several devices of one machine (docs/
 * scaling.md): t and eps are drawn for the whole batch on the first device, exactly as a
 * one-device step draws them; device k computes the loss of its rows, weighted by its share of
 * the batch, so that the gradients it backpropagates sum to the gradient of the whole batch's
 * mean loss; the gradients are summed on the first device, which clips, steps Adam and the EMA
 * once; the new weights are then copied to every other device. The update equals the one-device
 * update of the full batch up to float rounding (summation order). DJL 0.29 has no collective
 * communication, so the sum and the copy go through the first device.
 */
public final class DataParallelStep implements TrainingStep {
  private final OptimizerStep primary;
  private final List<Replica> replicas = new ArrayList<>();

  /** A copy of the weights on another device, with its own flat gradient. */
  private record Replica(Device device, NDManager manager, FlatParameters params) {}

  /**
   * Splits each batch between {@code primary}'s device and {@code others} (which may repeat a
   * device: on the CPU, replicas on the CPU run the same code, which is how the tests check it).
   */
  public DataParallelStep(OptimizerStep primary, List<Device> others) {
    this.primary = primary;
    for (Device d : others) {
      NDManager m = NDManager.newBaseManager(d);
      replicas.add(new Replica(d, m, new FlatParameters(primary.parameters().views(), m)));
    }
  }

  /** Devices the batch is split over, the first one's included. */
  public int devices() {
    return 1 + replicas.size();
  }

  @Override
  public NDArray apply(Engine engine, NDArray x0, NDArray labels, double lr) {
    NDManager m0 = x0.getManager();
    Device first = x0.getDevice();
    DiffusionObjective objective = primary.objective();
    int batch = Math.toIntExact(x0.getShape().get(0));
    int k = devices();
    if (batch < k) {
      throw new IllegalArgumentException("--batch " + batch + " cannot be split over " + k
          + " devices (--devices): give each device at least one example");
    }
    // The same draws, in the same order, as DiffusionObjective.loss on one device.
    NDArray t = objective.sampleTimes(m0, batch);
    NDArray eps = objective.sampleNoise(m0, x0.getShape());
    NDArray kept = objective.dropLabels(labels);
    NDArray loss = null;
    for (int d = 0; d < k; d++) {
      int from = (int) ((long) d * batch / k);
      int to = (int) ((long) (d + 1) * batch / k);
      NDIndex rows = new NDIndex(from + ":" + to);
      FlatParameters p = d == 0 ? primary.parameters() : replicas.get(d - 1).params();
      Device dev = d == 0 ? first : replicas.get(d - 1).device();
      NDArray xs = x0.get(rows).toDevice(dev, false);
      NDArray ts = t.get(rows).toDevice(dev, false);
      NDArray es = eps.get(rows).toDevice(dev, false);
      NDArray ls = kept == null ? null : kept.get(rows).toDevice(dev, false);
      NDArray part;
      try (GradientCollector gc = engine.newGradientCollector();
          ParameterStore views = p.recordedViews(xs.getManager())) {
        part = Scalars.mul(objective.loss(primary.network(), views, xs, ls, ts, es),
            (double) (to - from) / batch);
        gc.backward(part);
      }
      NDArray onFirst = part.toDevice(first, false);
      loss = loss == null ? onFirst : loss.add(onFirst);
    }
    NDArray grad = primary.parameters().gradient();
    for (Replica r : replicas) {
      NDArray g = r.params().gradient();
      grad.addi(g.toDevice(first, false));
      r.params().zeroGradient();
    }
    primary.update(grad, lr);
    for (Replica r : replicas) {
      r.params().flat().set(new NDIndex(":"), primary.parameters().flat().toDevice(r.device(), true));
    }
    return loss;
  }

  @Override
  public void close() {
    for (Replica r : replicas) {
      r.params().close();
      r.manager().close();
    }
  }
}
