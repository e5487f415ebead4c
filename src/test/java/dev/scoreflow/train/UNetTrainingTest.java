package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.schedule.VpCosine;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.tensor.HostCopy;
import org.junit.jupiter.api.Test;

/**
 * A small configured UNet (3x16x16 RGB, attention at 8, dropout) learns: its eps loss on fixed
 * (x0, t, eps) draws falls well below the untrained network's after 30 Adam steps.
 */
class UNetTrainingTest {

  @Test
  void rgbUNetLossFalls() {
    TrainConfig c = new TrainConfig();
    c.architecture = "unet";
    c.dataShape = new long[] {3, 16, 16};
    c.modelChannels = 8;
    c.resBlocks = 1;
    c.attentionRes = new int[] {8};
    c.groups = 4;
    c.dropout = 0.1;
    try (NDManager m = TestEngine.manager(7)) {
      EpsNetwork net = Networks.create(c, m);
      // 32 images: a random colour per image and channel times a smooth ramp, in [-1, 1].
      NDArray colour = m.randomUniform(-1f, 1f, new Shape(32, 3, 1, 1));
      NDArray ramp = m.linspace(-1f, 1f, 16).reshape(1, 1, 1, 16).repeat(2, 16);
      NDArray data = colour.mul(ramp);
      DiffusionObjective objective = new DiffusionObjective(new VpCosine(), 1e-3, 0);
      FlatParameters flat;
      try (ParameterStore init = net.initParameters(m)) {
        flat = new FlatParameters(init, m);
      }
      OptimizerStep step = new OptimizerStep(net, flat, objective,
          new Adam(flat.views(), m, 0.0), 1.0, null);
      double before = heldLoss(net, flat.views(), objective, data, m);
      Engine engine = ScoreflowEngine.engine();
      for (int k = 0; k < 30; k++) {
        try (NDScope scope = new NDScope()) {
          ScoreflowEngine.seed(1000 + k);
          NDArray idx = m.randomInteger(0, 32, new Shape(8), ai.djl.ndarray.types.DataType.INT64);
          step.apply(engine, data.get(idx), 2e-3);
        }
      }
      double after = heldLoss(net, flat.views(), objective, data, m);
      System.out.printf("configured UNet, eps loss on fixed draws: %.4f -> %.4f%n", before, after);
      assertTrue(after < 0.6 * before, "loss should fall: " + before + " -> " + after);
      flat.close();
    }
  }

  /** The loss on the same 4 batches of (t, eps) each time; sampling mode (no dropout). */
  private static double heldLoss(EpsNetwork net, ParameterStore p, DiffusionObjective objective,
      NDArray data, NDManager m) {
    double sum = 0;
    for (int b = 0; b < 4; b++) {
      try (NDScope scope = new NDScope()) {
        ScoreflowEngine.seed(77 + b);
        NDArray t = objective.sampleTimes(m, 32);
        NDArray eps = m.randomNormal(data.getShape());
        sum += HostCopy.scalar(objective.loss(net, p, data, null, t, eps));
      }
    }
    return sum / 4;
  }
}
