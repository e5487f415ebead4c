package dev.scoreflow.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.io.Npy;
import dev.scoreflow.model.CountingPredictor;
import dev.scoreflow.plot.ImageGrid;
import dev.scoreflow.plot.ScatterPlot;
import dev.scoreflow.sample.ImageTrajectory;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.sample.StepObserver;
import dev.scoreflow.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import dev.scoreflow.tensor.HostCopy;

/** {@code scoreflow sample}: draws from a trained run or a shipped model with any sampler. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Sample from a trained run or model; writes a picture and optionally the raw samples.")
final class SampleCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Mixin SamplerOptions samplerOptions;

  @Option(names = "--n", description = "Number of samples (default 5000 for 2-D, the grid size for images).")
  Integer n;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the prior draw and sampler noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--t-min", description = "Where sampling stops (default: the run's t-min).")
  Double tMin;

  @Option(names = "--raw-weights", description = "Use the training weights instead of their EMA.")
  boolean rawWeights;

  @Option(names = "--out", defaultValue = "samples.png", paramLabel = "PNG", description = "Picture (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--npy", paramLabel = "FILE", description = "Also write the samples as float32 .npy.")
  Path npy;

  @Option(names = "--trajectory", paramLabel = "PNG", description = "Also draw a few sampling paths.")
  Path trajectory;

  @Option(names = "--grid", defaultValue = "8x8", paramLabel = "RxC",
      description = "Image models: rows x columns of the picture (default: ${DEFAULT-VALUE}).")
  String grid;

  @Mixin GlobalOptions global;

  @Override
  public Integer call() throws Exception {
    Sampler s = samplerOptions.create(); // checks flags before the engine starts
    if (n != null && n < 1) {
      throw new IllegalArgumentException("--n must be at least 1, got " + n);
    }
    Device device = global.start();
    try (NDManager manager = NDManager.newBaseManager(device);
        LoadedModel model = source.load(manager, !rawWeights)) {
      TrainConfig cfg = model.config();
      boolean images = TrainConfig.isImageData(cfg.data);
      ImageGrid.Grid layout = ImageGrid.parseGrid(grid);
      int count = n != null ? n : images ? layout.cells() : 5000;
      double tEnd = tMin != null ? tMin : cfg.tMin;
      ScoreflowEngine.seed(seed);
      Shape shape = new Shape(count).addAll(model.network().dataShape());
      NDArray x1 = manager.randomNormal(shape).muli(model.process().priorStd());
      CountingPredictor eps = new CountingPredictor(model.predictor());
      List<float[]> paths = new ArrayList<>();
      int tracked = Math.min(count, images ? 8 : 16);
      StepObserver observer = StepObserver.NONE;
      ImageTrajectory imageTrajectory = null;
      if (trajectory != null && images) {
        imageTrajectory = new ImageTrajectory(model.predictor(), model.process(), manager, tracked,
            s instanceof dev.scoreflow.sample.OdeSampler ? 1 : samplerOptions.settings().steps, 10);
        observer = imageTrajectory;
      } else if (trajectory != null) {
        paths.add(HostCopy.floats(x1.get(new NDIndex("0:" + tracked))));
        observer = (t, x) -> paths.add(HostCopy.floats(x.get(new NDIndex("0:" + tracked))));
      }
      long t0 = System.nanoTime();
      NDArray x0 = s.sample(eps, model.process(), x1, tEnd, observer);
      String title = String.format(Locale.ROOT, "%s: %s, NFE %d", cfg.data, s.describe(), eps.calls());
      if (images) {
        ImageGrid.write(out, x0, layout); // the one copy to the host, for the picture
      } else {
        ScatterPlot.write(out, title, HostCopy.floats(x0), ToyData.byName(cfg.data).plotRange(), null);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      if (npy != null) {
        Npy.write(npy, x0);
      }
      if (imageTrajectory != null) {
        imageTrajectory.finish(x0);
        ImageGrid.write(trajectory, imageTrajectory.grid(),
            new ImageGrid.Grid(imageTrajectory.rows(), imageTrajectory.columns()));
        imageTrajectory.close();
      } else if (trajectory != null) {
        ScatterPlot.write(trajectory, title + " (paths of " + tracked + " samples)",
            HostCopy.floats(x0), ToyData.byName(cfg.data).plotRange(), transpose(paths, tracked));
      }
      System.out.printf(Locale.ROOT, "sampler %s  n %d  NFE %d  wall %.2f s  -> %s%s%s%n",
          s.describe(), count, eps.calls(), wall, out,
          npy != null ? ", " + npy : "", trajectory != null ? ", " + trajectory : "");
    }
    return 0;
  }

  /** From per-step snapshots of k points to one polyline per point. */
  static List<float[]> transpose(List<float[]> snapshots, int k) {
    List<float[]> lines = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      float[] line = new float[2 * snapshots.size()];
      for (int s = 0; s < snapshots.size(); s++) {
        line[2 * s] = snapshots.get(s)[2 * i];
        line[2 * s + 1] = snapshots.get(s)[2 * i + 1];
      }
      lines.add(line);
    }
    return lines;
  }
}
