package dev.scoreflow.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.ToyMlp;
import dev.scoreflow.model.UNetS;

/**
 * The two workloads of the PyTorch reference benchmark (docs/reference.md, "The workloads"), with the
 * same settings: model, batch, learning rate, warm-up, blocks, sample count, 50 DDIM steps.
 */
public enum Workload {
  /** eps-MLP on two moons: batch 1024, Adam 1e-3, 50 warm-up steps, blocks of 100; 10000 samples. */
  TOY("toy", 1024, 1e-3, 50, 100, 10_000, "samples/s"),
  /** UNet-S on random 28x28 images: batch 128, Adam 2e-4, 5 warm-up steps, blocks of 20; 64 samples. */
  UNET("unet", 128, 2e-4, 5, 20, 64, "images/s");

  public final String id;
  public final int batch;
  public final double lr;
  public final int warmup;
  public final int blockSteps;
  public final int sampleCount;
  public final String sampleUnit;

  Workload(String id, int batch, double lr, int warmup, int blockSteps, int sampleCount,
      String sampleUnit) {
    this.id = id;
    this.batch = batch;
    this.lr = lr;
    this.warmup = warmup;
    this.blockSteps = blockSteps;
    this.sampleCount = sampleCount;
    this.sampleUnit = sampleUnit;
  }

  public static Workload byName(String name) {
    for (Workload w : values()) {
      if (w.id.equals(name)) {
        return w;
      }
    }
    throw new IllegalArgumentException("--workload: expected toy or unet, got '" + name + "'");
  }

  EpsNetwork network(NDManager constants) {
    return this == TOY ? new ToyMlp(constants, 256, 2) : new UNetS(constants);
  }

  /**
   * The fixed training set batches are drawn from, as in the reference: 100,000 two-moons points
   * standardised per coordinate, or 1024 uniform random images in [-1, 1].
   */
  NDArray dataset(NDManager m) {
    if (this == TOY) {
      NDArray x = ToyData.MOONS.sample(m, 100_000);
      NDArray centred = x.sub(x.mean(new int[] {0}));
      return centred.div(centred.square().mean(new int[] {0}).sqrt());
    }
    return m.randomUniform(-1f, 1f, new Shape(1024, 1, 28, 28));
  }
}
