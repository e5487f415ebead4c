package dev.scoreflow.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.tensor.HostCopy;
import dev.scoreflow.job.SamplingJob;
import dev.scoreflow.model.CountingPredictor;
import dev.scoreflow.plot.ImageGrid;
import dev.scoreflow.plot.ScatterPlot;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.sample.ImageTrajectory;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.sample.StepObserver;
import dev.scoreflow.spec.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scoreflow sample}: draws from a trained run or a shipped model with any sampler. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Sample from a trained run or model; writes a picture and optionally the raw "
        + "samples (.npy) and one PNG per sample. Samples are made in chunks seeded from "
        + "(--seed, chunk index), so the output does not depend on how the chunks are split.")
final class SampleCommand implements Callable<Integer> {
  private static final Logger LOG = LogManager.getLogger(SampleCommand.class);

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Mixin SamplerOptions samplerOptions;

  @Option(names = "--n", description = "Number of samples (default 5000 for 2-D, the grid size for images).")
  Long n;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the prior draw and sampler noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--chunk", defaultValue = "" + ChunkedSampling.DEFAULT_CHUNK,
      description = "Samples per chunk: memory is that of one chunk; sample i depends only on"
          + " (--seed, --chunk, i) (default: ${DEFAULT-VALUE}).")
  int chunk;

  @Option(names = "--chunks", paramLabel = "FROM:TO",
      description = "Make only chunks FROM up to but not including TO (a shard of the whole);"
          + " shards joined in order (`scoreflow npy-concat`) equal the one-process .npy.")
  String chunks;

  @Option(names = "--t-min", description = "Where sampling stops (default: the run's t-min).")
  Double tMin;

  @Option(names = "--raw-weights", description = "Use the training weights instead of their EMA.")
  boolean rawWeights;

  @Option(names = "--out", defaultValue = "samples.png", paramLabel = "PNG",
      description = "Picture: a scatter plot (2-D) or the first RxC samples as a grid (images)"
          + " (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--npy", paramLabel = "FILE", description = "Also write every sample as float32 .npy.")
  Path npy;

  @Option(names = "--images", paramLabel = "DIR",
      description = "Images: also write every sample as its own PNG, DIR/000000.png, ...")
  Path images;

  @Option(names = "--trajectory", paramLabel = "PNG", description = "Also draw a few sampling paths.")
  Path trajectory;

  @Option(names = "--grid", defaultValue = "8x8", paramLabel = "RxC",
      description = "Image models: rows x columns of the picture (default: ${DEFAULT-VALUE}).")
  String grid;

  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // Every flag is checked before the engine starts and before any sample is made.
    Sampler s = samplerOptions.create();
    ImageGrid.Grid layout = ImageGrid.parseGrid(grid);
    if (n != null && n < 1) {
      throw new IllegalArgumentException("--n must be at least 1, got " + n);
    }
    if (chunk < 1) {
      throw new IllegalArgumentException("--chunk must be at least 1, got " + chunk);
    }
    requireWritableFile(out, "--out");
    requireWritableFile(npy, "--npy");
    requireWritableFile(trajectory, "--trajectory");
    if (images != null && Files.exists(images) && !Files.isDirectory(images)) {
      throw new IllegalArgumentException("--images " + images + ": expected a folder, it is a file");
    }
    Device device = global.start();
    try (NDManager manager = NDManager.newBaseManager(device);
        LoadedModel model = source.load(manager, !rawWeights)) {
      TrainConfig cfg = model.config();
      s.check(model.process()); // e.g. ddpm on a kernel process: one line, before any sampling
      boolean isImages = model.network().dataShape().dimension() == 3;
      if (images != null && !isImages) {
        throw new IllegalArgumentException("--images: " + source.path() + " makes 2-D points,"
            + " not images; use --npy for the raw samples");
      }
      long count = n != null ? n : isImages ? layout.cells() : 5000;
      ChunkedSampling.Plan plan = ChunkedSampling.Plan.parse(count, chunk, chunks);
      double tEnd = tMin != null ? tMin : cfg.tMin;
      int tracked = (int) Math.min(plan.size(plan.from()),
          isImages ? 8 : samplerOptions.stochastic() ? 5 : 16);
      // A picture of 2-D samples shows all of them; of images, the first RxC.
      int keep = (int) Math.min(plan.count(), isImages ? layout.cells() : Integer.MAX_VALUE);

      Paths paths = trajectory != null && !isImages ? new Paths(tracked) : null;
      ImageTrajectory imageTrajectory = trajectory != null && isImages
          ? new ImageTrajectory(model.denoiser(), manager, tracked,
              Math.max(1, samplerOptions.plannedSteps()), 10)
          : null;
      SamplingJob job = new SamplingJob(model.denoiser(),
          model.network().dataShape());
      SamplingJob.Result r;
      try (SamplingProgress progress = new SamplingProgress("sample", plan,
          samplerOptions.plannedSteps(), model.process().tMax(), tEnd)) {
        SamplingJob.Monitor monitor = new SamplingJob.Monitor() {
          @Override
          public void chunkStarted(int c, NDArray prior) {
            if (c == plan.from() && paths != null) {
              paths.add(prior);
            }
          }

          @Override
          public StepObserver observer(int c, CountingPredictor calls) {
            StepObserver p = progress.observer(c, calls);
            StepObserver first = c != plan.from() ? StepObserver.NONE
                : paths != null ? (t, x) -> paths.add(x)
                : imageTrajectory != null ? imageTrajectory : StepObserver.NONE;
            return (t, x) -> {
              first.onStep(t, x);
              p.onStep(t, x);
            };
          }

          @Override
          public void chunkDone(int c, long first, NDArray samples) {
            if (c == plan.from() && imageTrajectory != null) {
              imageTrajectory.finish(samples);
            }
            progress.chunkDone(c, first, samples);
          }
        };
        r = job.run(s, tEnd, seed, plan, new SamplingJob.Outputs(npy, images, keep), manager,
            monitor);
      }
      String nfe = r.nfe() == Math.rint(r.nfe()) ? Long.toString((long) r.nfe())
          : String.format(Locale.ROOT, "%.1f", r.nfe());
      String title = String.format(Locale.ROOT, "%s: %s, NFE %s", cfg.data, s.describe(), nfe);
      if (isImages) {
        if (plan.count() > keep) {
          LOG.info("the picture {} shows the first {} of {} samples (--grid {})", out, keep,
              plan.count(), grid);
        }
        ImageGrid.write(out, r.kept(), layout);
      } else {
        ScatterPlot.write(out, title, HostCopy.floats(r.kept()),
            ToyData.byName(cfg.data).plotRange(), null);
      }
      if (imageTrajectory != null) {
        ImageGrid.write(trajectory, imageTrajectory.grid(),
            new ImageGrid.Grid(imageTrajectory.rows(), imageTrajectory.columns()));
        imageTrajectory.close();
      } else if (paths != null) {
        ScatterPlot.write(trajectory, title + " (paths of " + tracked + " samples)",
            HostCopy.floats(r.kept()), ToyData.byName(cfg.data).plotRange(),
            // Noisy paths are thinned (their every step is a random kink) and drawn fading.
            paths.lines(samplerOptions.stochastic() ? 40 : Integer.MAX_VALUE),
            samplerOptions.stochastic());
      }
      String range = chunks != null ? String.format(Locale.ROOT, " (chunks %d:%d of %d)",
          plan.from(), plan.to(), ChunkedSampling.Plan.chunks(plan.n(), plan.chunk())) : "";
      spec.commandLine().getOut().printf(Locale.ROOT, "sampler %s  n %d%s  NFE %s  wall %.2f s  -> %s%s%s%s%n",
          s.describe(), r.count(), range, nfe, r.wallSeconds(), out,
          npy != null ? ", " + npy : "", images != null ? ", " + images + "/" : "",
          trajectory != null ? ", " + trajectory : "");
    }
    return 0;
  }

  /** A file flag must not name a folder, and its parent folder must be creatable. */
  static void requireWritableFile(Path file, String flag) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(flag + " " + file + ": expected a file, it is a folder");
    }
    for (Path p = file.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p) || !Files.isWritable(p)) {
          throw new IllegalArgumentException(flag + " " + file + ": cannot write into " + p);
        }
        return;
      }
    }
  }

  /** Positions of the first few 2-D samples after every step, as one polyline per sample. */
  static final class Paths {
    private final int k;
    private final List<float[]> snapshots = new ArrayList<>();

    Paths(int k) {
      this.k = k;
    }

    void add(NDArray x) {
      try (NDArray head = x.get(new NDIndex("0:" + k))) {
        snapshots.add(HostCopy.floats(head)); // a few points, only when --trajectory is asked for
      }
    }

    /** One polyline per sample through at most {@code points} of the snapshots (ends kept). */
    List<float[]> lines(int points) {
      int every = Math.max(1, (snapshots.size() - 1 + points - 2) / Math.max(1, points - 1));
      List<float[]> kept = new ArrayList<>();
      for (int s = 0; s < snapshots.size(); s += every) {
        kept.add(snapshots.get(s));
      }
      if ((snapshots.size() - 1) % every != 0) {
        kept.add(snapshots.get(snapshots.size() - 1));
      }
      List<float[]> lines = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        float[] line = new float[2 * kept.size()];
        for (int s = 0; s < kept.size(); s++) {
          line[2 * s] = kept.get(s)[2 * i];
          line[2 * s + 1] = kept.get(s)[2 * i + 1];
        }
        lines.add(line);
      }
      return lines;
    }
  }
}
