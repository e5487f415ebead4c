package dev.scoreflow.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.checkpoint.RecommendedSampling;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.tensor.HostCopy;
import dev.scoreflow.job.SamplingJob;
import dev.scoreflow.model.CountingPredictor;
import dev.scoreflow.plot.ImageGrid;
import dev.scoreflow.plot.ScatterPlot;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.sample.ClassLabels;
import dev.scoreflow.sample.Guidance;
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

  @Option(names = "--grid", paramLabel = "RxC",
      description = "Image models: rows x columns of the picture (default 8x8; with several"
          + " classes, one row of 8 per class).")
  String grid;

  @Option(names = "--scale", paramLabel = "N",
      description = "Image models: draw each pixel as an NxN block, 1 to " + ImageGrid.MAX_SCALE
          + " (default: 3 for images up to 32 pixels a side, 2 up to 64, 1 above).")
  Integer scaleOption;

  @Option(names = "--class", paramLabel = "K|K,K,...|all",
      description = "Class-conditional models: the class(es) to draw, by index 0..K-1 or by name;"
          + " several take turns by sample index (images: one grid row each), `all` is every"
          + " class. Without it a conditional model samples unconditionally.")
  String classes;

  @Mixin GuidanceOptions guidanceOptions;

  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // Every flag is checked before the engine starts and before any sample is made.
    RecommendedSampling rec = source.model != null
        ? RecommendedSampling.readIfPresent(source.model) : null;
    if (rec != null) {
      samplerOptions.recommend(rec);
    }
    Sampler s = samplerOptions.create();
    ImageGrid.Grid askedLayout = grid != null ? ImageGrid.parseGrid(grid) : null;
    guidanceOptions.check();
    if (scaleOption != null) {
      ImageGrid.checkScale(scaleOption);
    }
    if (classes != null && classes.isBlank()) {
      throw new IllegalArgumentException("--class expects K, K,K,... or all, got ''");
    }
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
      s.check(model.denoiser()); // e.g. ddpm on a kernel process: one line, before any sampling
      boolean isImages = model.network().dataShape().dimension() == 3;
      int[] asked = classes == null ? null : parseClasses(classes, cfg.classNames,
          model.numClasses(), source.path());
      if (asked == null && guidanceOptions.given()) {
        throw new IllegalArgumentException(guidanceOptions.givenFlag() + ": "
            + (model.numClasses() == 0
            ? source.path() + " is not class-conditional (train with --class-conditional)"
            : "give --class too (the classes to guide towards)"));
      }
      Guidance guidance = guidanceOptions.resolve(rec);
      // Several classes: one grid row of 8 each unless --grid says otherwise.
      ImageGrid.Grid layout = askedLayout != null ? askedLayout
          : asked != null && asked.length > 1 ? new ImageGrid.Grid(asked.length, 8)
          : new ImageGrid.Grid(8, 8);
      // Sample i asks for asked[(i / block) mod m]: a grid row per class for images, turns for
      // points. It depends on i alone, so chunks and shards still join byte for byte.
      ClassLabels labels = asked == null ? null
          : new ClassLabels(asked, isImages ? layout.cols() : 1);
      if (images != null && !isImages) {
        throw new IllegalArgumentException("--images: " + source.path() + " makes 2-D points,"
            + " not images; use --npy for the raw samples");
      }
      if (scaleOption != null && !isImages) {
        throw new IllegalArgumentException("--scale: " + source.path() + " makes 2-D points,"
            + " not images; the picture is a scatter plot");
      }
      long count = n != null ? n : isImages ? layout.cells() : 5000;
      ChunkedSampling.Plan plan = ChunkedSampling.Plan.parse(count, chunk, chunks);
      double tEnd = tMin != null ? tMin : cfg.tMin;
      int tracked = (int) Math.min(plan.size(plan.from()),
          isImages ? 8 : samplerOptions.stochastic() ? 5 : 16);
      // A picture of 2-D samples shows all of them; of images, the first RxC (the .npy and
      // --images still get every sample). Fewer samples than cells: the empty rows are dropped.
      int keep = (int) Math.min(plan.count(), isImages ? layout.cells() : Integer.MAX_VALUE);
      ImageGrid.Grid shown = new ImageGrid.Grid(
          Math.max(1, Math.min(layout.rows(), (keep + layout.cols() - 1) / layout.cols())),
          layout.cols());
      Shape dataShape = model.network().dataShape();
      int pixelScale = !isImages ? 1 : scaleOption != null ? scaleOption
          : ImageGrid.defaultScale(dataShape.get(1), dataShape.get(2));
      if (isImages) {
        // Refuse a picture too large to write before a single sample is made.
        ImageGrid.checkFits(shown, dataShape.get(1), dataShape.get(2), pixelScale);
      }

      Paths paths = trajectory != null && !isImages ? new Paths(tracked) : null;
      ImageTrajectory imageTrajectory = trajectory != null && isImages
          ? new ImageTrajectory(labels == null ? model.denoiser()
              : model.denoiser().withNetwork(guidance.predictor(model.conditional(),
                  labels.labels(manager, plan.first(plan.from()), tracked), model.process())),
              manager, tracked, Math.max(1, samplerOptions.plannedSteps()), 10)
          : null;
      SamplingJob job = labels == null
          ? new SamplingJob(model.denoiser(), model.network().dataShape())
          : SamplingJob.guided(model.conditional(), labels, guidance, model.denoiser(),
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
      String conditioning = labels == null ? "" : String.format(Locale.ROOT,
          "class %s, guidance %s", describeClasses(asked, cfg.classNames), guidance.describe());
      String title = String.format(Locale.ROOT, "%s: %s, NFE %s%s", cfg.data, s.describe(), nfe,
          conditioning.isEmpty() ? "" : ", " + conditioning);
      String shows = "";
      if (isImages) {
        ImageGrid.write(out, r.kept(), shown, pixelScale,
            labels == null ? null : rowLabels(labels, asked, cfg.classNames, shown));
        if (plan.count() > keep) {
          shows = String.format(Locale.ROOT, " (grid %s: the first %d of %d samples)", shown,
              keep, plan.count());
        } else if (!shown.equals(layout)) {
          shows = String.format(Locale.ROOT, " (grid %s: all %d samples; --grid %s has %d cells)",
              shown, keep, layout, layout.cells());
        }
      } else {
        ScatterPlot.write(out, title, HostCopy.floats(r.kept()),
            labels == null ? null : colours(labels, asked, plan, keep),
            ToyData.byName(cfg.data).plotRange(), null, false);
      }
      if (imageTrajectory != null) {
        ImageGrid.Grid steps = new ImageGrid.Grid(imageTrajectory.rows(),
            imageTrajectory.columns());
        // Its column count is known only now: shrink the scale rather than fail after sampling.
        int trajectoryScale = pixelScale;
        while (trajectoryScale > 1
            && !ImageGrid.fits(steps, dataShape.get(1), dataShape.get(2), trajectoryScale)) {
          trajectoryScale--;
        }
        ImageGrid.write(trajectory, imageTrajectory.grid(), steps, trajectoryScale, null);
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
      String guided = labels == null ? "" : String.format(Locale.ROOT, "  class %s guidance %s",
          describeClasses(asked, cfg.classNames), guidance.describe());
      // Honest NFE: a call that batches both halves of guidance is two network evaluations.
      String nfeNote = r.nfe() > r.calls() ? String.format(Locale.ROOT, " (%s calls; a guided"
          + " call is 2: the conditional and unconditional halves in one batched forward)",
          number(r.calls())) : "";
      spec.commandLine().getOut().printf(Locale.ROOT, "sampler %s%s  n %d%s  NFE %s%s  wall %.2f s  -> %s%s%s%s%s%n",
          s.describe(), guided, r.count(), range, nfe, nfeNote, r.wallSeconds(), out, shows,
          npy != null ? ", " + npy : "", images != null ? ", " + images + "/" : "",
          trajectory != null ? ", " + trajectory : "");
    }
    return 0;
  }

  /**
   * The class name written at the left of each grid row: row r holds samples r * cols ..., whose
   * class depends on the index alone ({@link ClassLabels}).
   */
  private static List<String> rowLabels(ClassLabels labels, int[] asked, List<String> names,
      ImageGrid.Grid shown) {
    List<String> out = new ArrayList<>();
    for (int row = 0; row < shown.rows(); row++) {
      int k = labels.classOf((long) row * shown.cols());
      out.add(names != null && k < names.size() ? names.get(k) : Integer.toString(k));
    }
    return out;
  }

  /** For a scatter plot: each kept sample's colour, the position of its class in {@code asked}. */
  private static int[] colours(ClassLabels labels, int[] asked, ChunkedSampling.Plan plan,
      int keep) {
    long first = plan.first(plan.from());
    int[] out = new int[keep];
    for (int i = 0; i < keep; i++) {
      int c = labels.classOf(first + i);
      for (int j = 0; j < asked.length; j++) {
        if (asked[j] == c) {
          out[i] = j;
          break;
        }
      }
    }
    return out;
  }

  /**
   * {@code --class}: {@code all}, or comma-separated classes, each a class name of the model or
   * an index 0..K-1 (a name wins over an index that reads the same).
   */
  static int[] parseClasses(String text, List<String> names, int k, Path model) {
    if (k == 0) {
      throw new IllegalArgumentException("--class: " + model + " is not class-conditional (train"
          + " with --class-conditional)");
    }
    if (text.trim().equals("all")) {
      int[] all = new int[k];
      for (int i = 0; i < k; i++) {
        all[i] = i;
      }
      return all;
    }
    String[] parts = text.split(",", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim();
      int byName = names == null ? -1 : names.indexOf(p);
      if (byName >= 0) {
        out[i] = byName;
        continue;
      }
      try {
        out[i] = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        out[i] = -1;
      }
      if (out[i] < 0 || out[i] >= k) {
        throw new IllegalArgumentException("--class: '" + p + "' is no class of " + model
            + "; expected an index 0.." + (k - 1) + (names == null || names.isEmpty() ? ""
            : " or a name " + abbreviate(names)) + ", a comma-separated list of them, or all");
      }
    }
    return out;
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 12 ? names.toString()
        : names.subList(0, 12).toString().replace("]", ", ...]");
  }

  /** The classes asked for, by name where the model has names. */
  static String describeClasses(int[] asked, List<String> names) {
    StringBuilder b = new StringBuilder();
    for (int c : asked) {
      b.append(b.length() == 0 ? "" : ",");
      b.append(names != null && c < names.size() && !names.get(c).equals(Integer.toString(c))
          ? c + "=" + names.get(c) : Integer.toString(c));
    }
    return b.toString();
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.format(Locale.ROOT, "%.0f", v)
        : Double.toString(v);
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
