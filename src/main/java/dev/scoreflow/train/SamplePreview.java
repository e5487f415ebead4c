package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.plot.ImageGrid;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.sample.OdeSampler;
import dev.scoreflow.sample.TimeGrid;
import dev.scoreflow.sample.ode.FixedStepMethod;
import dev.scoreflow.sample.ode.FixedStepSolver;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The fixed-seed 8x8 grid written during image training (samples/step-NNNNNN.png), from the EMA
 * weights with 50 Euler steps of the probability-flow ODE (on a Gaussian process this is
 * DDIM-50; it works for every process), so progress is visible. Same seed every time: the grids
 * are comparable. Drawn at {@link ImageGrid#defaultScale} (3x for 28x28 digits), like
 * {@code sample}'s grids.
 */
final class SamplePreview {
  static final long SEED = 20261125L;
  static final int STEPS = 50;

  private SamplePreview() {}

  static Path write(Path dir, long step, EpsNetwork net, ParameterStore ema, NoiseProcess process,
      Prediction prediction, double dataScale, double tMin, NDManager parent) throws IOException {
    ImageGrid.Grid grid = new ImageGrid.Grid(8, 8);
    Path file = dir.resolve(String.format("step-%06d.png", step));
    try (NDManager m = parent.newSubManager()) {
      ScoreflowEngine.seed(SEED);
      Shape shape = new Shape(grid.cells()).addAll(net.dataShape());
      NDArray x1 = process.samplePrior(m, shape);
      NDArray x0 = new OdeSampler(new FixedStepSolver(FixedStepMethod.EULER), STEPS,
          TimeGrid.Spacing.UNIFORM).sample(Denoiser.of(NoisePredictor.of(net, ema), process,
          prediction).withDataScale(dataScale), x1, tMin);
      java.nio.file.Files.createDirectories(dir);
      ImageGrid.write(file, x0, grid);
    }
    return file;
  }
}
