package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.ConditionalPredictor;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.GuidedPredictor;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed-seed grid written during image training (samples/step-NNNNNN.png), from the EMA
 * weights with 50 Euler steps of the probability-flow ODE (on a Gaussian process this is
 * DDIM-50; it works for every process), so progress is visible. Same seed every time: the grids
 * are comparable. Drawn at {@link ImageGrid#defaultScale} (3x for 28x28 digits), like
 * {@code sample}'s grids. Unconditional networks get 8x8 samples; a class-conditional one gets
 * one labelled row of 8 per class (the first {@link #MAX_CLASS_ROWS}), drawn by the conditional
 * network alone (guidance 1), like {@code sample --class all}.
 */
final class SamplePreview {
  static final long SEED = 20261125L;
  static final int STEPS = 50;
  static final int COLUMNS = 8;
  static final int MAX_CLASS_ROWS = 10;

  private SamplePreview() {}

  static Path write(Path dir, long step, EpsNetwork net, ParameterStore ema, NoiseProcess process,
      Prediction prediction, double dataScale, double tMin, List<String> classNames,
      NDManager parent) throws IOException {
    int classes = net.numClasses();
    int rows = classes > 0 ? Math.min(classes, MAX_CLASS_ROWS) : COLUMNS;
    ImageGrid.Grid grid = new ImageGrid.Grid(rows, COLUMNS);
    Path file = dir.resolve(String.format("step-%06d.png", step));
    try (NDManager m = parent.newSubManager()) {
      ScoreflowEngine.seed(SEED);
      Shape shape = new Shape(grid.cells()).addAll(net.dataShape());
      NDArray x1 = process.samplePrior(m, shape);
      NoisePredictor predictor = NoisePredictor.of(net, ema);
      List<String> rowLabels = null;
      if (classes > 0) {
        int[] labels = new int[grid.cells()];
        for (int i = 0; i < labels.length; i++) {
          labels[i] = i / COLUMNS; // row k holds class k
        }
        predictor = new GuidedPredictor(ConditionalPredictor.of(net, ema),
            m.create(labels, new Shape(labels.length)), 1.0);
        rowLabels = new ArrayList<>();
        for (int k = 0; k < rows; k++) {
          rowLabels.add(k < classNames.size() ? classNames.get(k) : Integer.toString(k));
        }
      }
      NDArray x0 = new OdeSampler(new FixedStepSolver(FixedStepMethod.EULER), STEPS,
          TimeGrid.Spacing.UNIFORM).sample(Denoiser.of(predictor, process, prediction)
          .withDataScale(dataScale), x1, tMin);
      java.nio.file.Files.createDirectories(dir);
      Shape s = x0.getShape();
      ImageGrid.write(file, x0, grid, ImageGrid.defaultScale(s.get(2), s.get(3)), rowLabels);
    }
    return file;
  }
}
