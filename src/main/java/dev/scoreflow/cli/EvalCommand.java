package dev.scoreflow.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.checkpoint.RecommendedSampling;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.eval.Calibration;
import dev.scoreflow.eval.ClassReport;
import dev.scoreflow.eval.ImageEvaluation;
import dev.scoreflow.eval.ImageQuality;
import dev.scoreflow.eval.ImageReport;
import dev.scoreflow.eval.LikelihoodEvaluation;
import dev.scoreflow.eval.OdeLikelihood.Divergence;
import dev.scoreflow.eval.PointEvaluation;
import dev.scoreflow.eval.SampleSource;
import dev.scoreflow.job.SamplingJob;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.sample.Guidance;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.spec.TrainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scoreflow eval}: parses flags, calls the evaluation library ({@code eval/}) and prints
 * its reports as text and, with --json, one JSON line. What is measured is described where it
 * is computed: {@link PointEvaluation} (2-D), {@link ImageEvaluation} (FID-LeNet, class
 * histogram, per-class metrics), {@link Calibration} (--calibrate), {@link LikelihoodEvaluation}
 * (--nll).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate a trained run or model: sliced Wasserstein distance to the data beside "
        + "its floor (2-D) or FID-LeNet beside its floor and the class histogram (images), and "
        + "with --nll the ODE negative log-likelihood of fresh data. With --calibrate: FID-LeNet"
        + " of real and degraded real images at the same n, the scale a model's number sits on.")
final class EvalCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  ModelSource source;

  @Mixin SamplerOptions samplerOptions;

  @Option(names = "--n", description = "Number of samples, and of data points they are compared with (default: 5000 for 2-D, 1000 for images).")
  Integer n;

  @Option(names = "--classifier", paramLabel = "DIR",
      description = "Images: the LeNet folder for FID-LeNet (default: models/lenet-DATA, written by `scoreflow classifier`).")
  Path classifier;

  @Option(names = "--calibrate",
      description = "Instead of a model: FID-LeNet of disjoint subsets of real held-out images (the"
          + " spread a perfect model falls in) and of real images blurred, noised or limited to"
          + " half the classes, at --n (default 1000) with the same reference images as a model's"
          + " eval. Takes --data, --classifier or --model/--run to pick the classifier.")
  boolean calibrate;

  @Option(names = "--data", paramLabel = "NAME",
      description = "With --calibrate: the image data set whose classifier models/lenet-NAME is used.")
  String data;

  @Option(names = "--subsets", defaultValue = "5",
      description = "With --calibrate: disjoint real subsets of n images, at most (fewer when the"
          + " held-out images do not hold that many; default: ${DEFAULT-VALUE}).")
  int subsets;

  @Option(names = {"--chunk", "--sample-batch"}, defaultValue = "" + ChunkedSampling.DEFAULT_CHUNK,
      description = "Samples per chunk, as in `sample` (same --seed and --chunk: the same samples)"
          + " (default: ${DEFAULT-VALUE}).")
  int sampleBatch;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the samples, the data draws and the probes (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--t-min", description = "Where sampling stops and the likelihood solve starts (default: the run's t-min).")
  Double tMin;

  @Option(names = "--raw-weights", description = "Use the training weights instead of their EMA.")
  boolean rawWeights;

  @Option(names = "--projections", defaultValue = "128", description = "Random directions of the sliced Wasserstein distance (default: ${DEFAULT-VALUE}).")
  int projections;

  @Option(names = "--floor-repeats", defaultValue = "3", description = "Data-vs-data pairs averaged for the floor (default: ${DEFAULT-VALUE}).")
  int floorRepeats;

  @Option(names = "--nll", description = "Also the ODE negative log-likelihood of fresh data (nats; bits/dim for images).")
  boolean nll;

  @Option(names = "--nll-n", defaultValue = "1000", description = "Data points for --nll (default: ${DEFAULT-VALUE}).")
  int nllN;

  @Option(names = "--nll-batch", description = "Points per likelihood solve (default 1000 for 2-D, 50 for images).")
  Integer nllBatch;

  @Option(names = "--nll-rtol", defaultValue = "1e-5", description = "Likelihood rk45 relative tolerance (default: ${DEFAULT-VALUE}).")
  double nllRtol;

  @Option(names = "--nll-atol", defaultValue = "1e-5", description = "Likelihood rk45 absolute tolerance (default: ${DEFAULT-VALUE}).")
  double nllAtol;

  @Option(names = "--divergence", paramLabel = "exact|rademacher|gaussian",
      description = "div eps for --nll: exact (2-D default) or Hutchinson's estimator with one probe per point (images: rademacher).")
  String divergence;

  @Mixin GuidanceOptions guidanceOptions;

  /** The guidance of class-balanced samples, settled before the engine starts. */
  private Guidance guidance;

  @Option(names = "--json", description = "Also print the results as one JSON line.")
  boolean json;

  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  /** Results go to the command line's writer (stdout, or what a caller set): tests read it. */
  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public Integer call() throws Exception {
    // A model folder's recommended sampler and guidance for the flags not given.
    RecommendedSampling rec = source != null && source.model != null
        ? RecommendedSampling.readIfPresent(source.model) : null;
    if (rec != null) {
      samplerOptions.recommend(rec);
    }
    guidance = guidanceOptions.resolve(rec); // checks the flags
    Sampler sampler = samplerOptions.create(); // checks flags before the engine starts
    require(n == null || n >= 2, "--n must be at least 2, got " + n);
    require(sampleBatch >= 1, "--chunk must be at least 1, got " + sampleBatch);
    require(nllN >= 1, "--nll-n must be at least 1, got " + nllN);
    require(nllBatch == null || nllBatch >= 1, "--nll-batch must be at least 1, got " + nllBatch);
    require(nllRtol > 0 && nllAtol > 0, "--nll-rtol and --nll-atol must be positive");
    require(subsets >= 2, "--subsets must be at least 2, got " + subsets);
    PointEvaluation.Settings pointSettings = new PointEvaluation.Settings(projections, floorRepeats);
    Divergence div = divergence == null ? null : Divergence.parse(divergence);
    if (calibrate) {
      require(!nll, "--calibrate measures real images only: drop --nll");
      require(source != null || data != null || classifier != null,
          "--calibrate: name the classifier with --data NAME (models/lenet-NAME), --classifier DIR,"
              + " or --model/--run DIR (the model's data)");
      require(data == null || ImageSource.isImageData(data),
          "--data: '" + data + "' is not an image data set; expected one of " + ImageSource.NAMES
              + " or idx:DIR");
    } else {
      require(source != null, "eval: give --run DIR or --model DIR (or --calibrate)");
      require(data == null, "--data is for --calibrate; a model's data come from its config");
    }
    Device device = global.start();
    Map<String, Object> results = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(device)) {
      if (calibrate) {
        calibration(manager, results);
      } else {
        try (LoadedModel model = source.load(manager, !rawWeights)) {
          evaluateModel(model, manager, sampler, pointSettings, div, results);
        }
      }
    }
    if (json) {
      out().println(new GsonBuilder().serializeSpecialFloatingPointValues().create()
          .toJson(results));
    }
    return 0;
  }

  private void evaluateModel(LoadedModel model, NDManager manager, Sampler sampler,
      PointEvaluation.Settings pointSettings, Divergence div, Map<String, Object> results)
      throws IOException {
    TrainConfig cfg = model.config();
    boolean images = cfg.dataSpec().isImages();
    double tEnd = tMin != null ? tMin : cfg.tMin;
    out().printf(Locale.ROOT, "eval %s: data %s, process %s, %s weights, t-min %s%n",
        source.path(), cfg.data, model.process().name(),
        source.run != null && rawWeights ? "training" : "EMA", tEnd);
    results.put("source", source.path().toString());
    results.put("data", cfg.data);
    results.put("process", model.process().name());
    SampleSource samples = modelSamples(model, sampler, tEnd);
    if (images) {
      imageQuality(model, manager, samples, results);
      if (nll) {
        LikelihoodEvaluation.Report r;
        try (LikelihoodProgress progress = new LikelihoodProgress("images")) {
          r = LikelihoodEvaluation.images(model.denoiser(), imageShape(model),
              cfg.data, ImageSource.dataDir(cfg.dataDir),
              nllSettings(50, div == null ? Divergence.RADEMACHER : div, tEnd), manager, progress);
        }
        printNll(r, true, results);
      }
    } else {
      ToyData toy = ToyData.byName(cfg.data);
      int count = n != null ? n : 5000;
      PointEvaluation.Report r = PointEvaluation.evaluate(samples, toy, count, pointSettings, seed,
          manager);
      printPoints(r, results);
      if (nll) {
        LikelihoodEvaluation.Report l;
        try (LikelihoodProgress progress = new LikelihoodProgress("points")) {
          l = LikelihoodEvaluation.points(model.denoiser(), toy,
              nllSettings(1000, div == null ? Divergence.EXACT : div, tEnd), manager, progress);
        }
        printNll(l, false, results);
      }
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The model's image shape: its config's recorded data shape, else its network's. */
  static Shape imageShape(LoadedModel model) {
    long[] recorded = model.config().dataShape;
    return recorded != null ? new Shape(recorded) : model.network().dataShape();
  }

  /** `sample --seed --chunk`'s samples, drawn in chunks with progress on stderr. */
  private SampleSource modelSamples(LoadedModel model, Sampler sampler, double tEnd) {
    return new SampleSource() {
      @Override
      public Drawn draw(int count, int[] classes, NDManager m) throws IOException {
        ChunkedSampling.Plan plan = ChunkedSampling.Plan.whole(count, sampleBatch);
        // Sample i asks for classes[i]: it depends on i alone, as in `sample --class`.
        SamplingJob job = classes == null
            ? new SamplingJob(model.denoiser(), model.network().dataShape())
            : new SamplingJob(model.denoiser(), (cm, first, size) -> guidance.predictor(
                model.conditional(), cm.create(java.util.Arrays.copyOfRange(classes,
                    (int) first, (int) first + size), new Shape(size)), model.process()),
                guidance.evaluationsAt(model.process()), model.network().dataShape());
        try (SamplingProgress progress = new SamplingProgress("eval: sampling", plan,
            samplerOptions.plannedSteps(), model.process().tMax(), tEnd)) {
          SamplingJob.Result r = job.run(sampler, tEnd, seed, plan,
              new SamplingJob.Outputs(null, null, count), m, progress);
          return new Drawn(r.kept(), r.nfe(), r.wallSeconds());
        }
      }

      @Override
      public String describe() {
        return sampler.describe();
      }
    };
  }

  private LikelihoodEvaluation.Settings nllSettings(int defaultBatch, Divergence div, double tEnd) {
    return new LikelihoodEvaluation.Settings(nllN, nllBatch != null ? nllBatch : defaultBatch,
        nllRtol, nllAtol, div, tEnd, seed);
  }

  /** Likelihood progress on stderr, as {@link Progress} shows it; closed when the solve ends. */
  private static final class LikelihoodProgress implements LikelihoodEvaluation.Progress,
      AutoCloseable {
    private final String unit;
    private Progress bar;

    LikelihoodProgress(String unit) {
      this.unit = unit;
    }

    @Override
    public void update(long done, long total, String status) {
      if (bar == null) {
        bar = new Progress("eval: likelihood", total, unit);
      }
      bar.update(done, status);
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }

  /** The classifier folder for data, or null with a printed reason when there is none. */
  private Path classifierFolder(String dataName) {
    Path folder = classifier != null ? classifier : Classifier.defaultFolder(dataName);
    if (classifier == null && (folder == null || !Files.isDirectory(folder))) {
      out().printf(Locale.ROOT, "FID-LeNet   skipped: no classifier %s; train one with"
              + " `scoreflow classifier --data %s%s` and name it with --classifier%n",
          folder == null ? "named for " + dataName : "at " + folder, dataName,
          folder == null ? " --out DIR" : "");
      return null;
    }
    return folder;
  }

  /** FID-LeNet beside its floor, and the class histogram, of n samples (in chunks). */
  private void imageQuality(LoadedModel model, NDManager manager, SampleSource samples,
      Map<String, Object> results) throws IOException {
    TrainConfig cfg = model.config();
    String why = ImageEvaluation.unavailable(imageShape(model));
    if (why != null) {
      out().println("FID-LeNet   " + why);
      return;
    }
    Path folder = classifierFolder(cfg.data);
    if (folder == null) {
      return;
    }
    try (NDManager m = manager.newSubManager();
        ImageEvaluation ev = ImageEvaluation.open(folder, cfg.dataDir, m)) {
      if (!ev.info().data.equals(cfg.data)) {
        out().printf(Locale.ROOT, "note: the classifier %s was trained on %s, the model on %s%n",
            folder, ev.info().data, cfg.data);
      }
      int count = n != null ? n : Math.min(1000, ev.maxN());
      // A class-conditional model is asked for every class in equal blocks (100 per class at
      // n 1000), so the class accuracy and FID-LeNet per class can be read off.
      int[] classes = model.numClasses() > 0
          ? ImageEvaluation.balancedClasses(count, model.numClasses()) : null;
      if (classes != null) {
        out().printf(Locale.ROOT, "conditional %d classes in equal blocks, guidance %s%n",
            model.numClasses(), guidance.describe());
        results.put("guidance", guidance.scale());
        if (guidance.limited()) {
          results.put("guidanceInterval", List.of(guidance.sigmaMin(), guidance.sigmaMax()));
        }
      }
      ImageReport r = ev.evaluate(samples, count, classes, seed, m);
      printImages(r, results);
    }
  }

  private void printSampling(SampleSource.Sampling s, Map<String, Object> results) {
    out().printf(Locale.ROOT, "sampler     %s  n %d  NFE %s  wall %.2f s%n", s.sampler(), s.n(),
        nfeText(s.nfe()), s.wallSeconds());
    results.put("sampler", s.sampler());
    results.put("n", s.n());
    results.put("nfe", s.nfe());
  }

  private void printPoints(PointEvaluation.Report r, Map<String, Object> results) {
    printSampling(r.sampling(), results);
    out().printf(Locale.ROOT,
        "sliced W1   %.4f  floor %.4f +- %.4f  (%.2fx the floor; floor = data vs data, n %d,"
            + " %d repeats, %d projections)%n",
        r.sw().distance(), r.sw().floorMean(), r.sw().floorSd(), r.sw().ratio(), r.n(),
        r.sw().repeats(), r.sw().projections());
    results.put("sw", r.sw().distance());
    results.put("swFloor", r.sw().floorMean());
    results.put("swFloorSd", r.sw().floorSd());
    if (r.hasMixture()) {
      StringBuilder sb = new StringBuilder();
      for (double s : r.modeShares()) {
        sb.append(String.format(Locale.ROOT, " %.1f", 100 * s));
      }
      out().printf(Locale.ROOT, "modes      %s %%  (nearest centre; ideal %.1f each,"
          + " largest deviation %.1f points)%n", sb, 100.0 / r.modeShares().length,
          100 * r.worstModeDeviation());
      out().printf(Locale.ROOT, "log p_data  %.4f nats  mean over the samples, under the"
          + " true mixture (fresh data score %.4f)%n", r.meanLogDensity(), r.dataMeanLogDensity());
      results.put("modeShares", r.modeShares());
      results.put("meanLogDensity", r.meanLogDensity());
      results.put("dataMeanLogDensity", r.dataMeanLogDensity());
    }
  }

  private void printImages(ImageReport r, Map<String, Object> results) {
    printSampling(r.sampling(), results);
    ImageQuality.Result q = r.quality();
    out().printf(Locale.ROOT, "FID-LeNet   %.3f  floor %.3f  (%.2fx the floor; floor = %d held-out"
            + " vs %d training images of %s, whose test accuracy is %.4f; not comparable with"
            + " Inception FID)%n", q.fid(), q.floor(), q.ratio(), q.n(), q.n(), r.classifier(),
        r.classifierTestAccuracy());
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < q.classShares().length; c++) {
      sb.append(String.format(Locale.ROOT, " %d:%.1f", c, 100 * q.classShares()[c]));
    }
    out().printf(Locale.ROOT, "classes    %s %%  (LeNet's reading of the samples; largest"
        + " deviation from the held-out images' shares %.1f points)%n", sb,
        100 * q.worstClassDeviation());
    results.put("fidLenet", q.fid());
    results.put("fidLenetFloor", q.floor());
    results.put("classShares", q.classShares());
    results.put("dataClassShares", q.dataClassShares());
    results.put("classifierTestAccuracy", r.classifierTestAccuracy());
    if (r.perClass() != null) {
      printPerClass(r.perClass(), r.classifierTestAccuracy(), results);
    }
  }

  /** Class accuracy and FID-LeNet per class of samples asked for given classes. */
  void printPerClass(ClassReport c, double classifierAccuracy, Map<String, Object> results) {
    out().printf(Locale.ROOT, "class acc.  %.4f  (share of samples LeNet reads as the class asked"
        + " for; LeNet's own test accuracy %.4f)%n", c.accuracy(), classifierAccuracy);
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < c.counts().length; k++) {
      if (c.counts()[k] > 0) {
        sb.append(String.format(Locale.ROOT, " %d:%.1f/%.1f", k, c.fid()[k], c.floor()[k]));
      }
    }
    out().printf(Locale.ROOT, "per class  %s  (FID-LeNet/floor, class k's samples vs its own"
        + " real images; mean %.2f vs floor %.2f)%n", sb, c.meanFid(), c.meanFloor());
    results.put("classAccuracy", c.accuracy());
    results.put("classCounts", c.counts());
    results.put("fidLenetPerClass", c.fid());
    results.put("fidLenetFloorPerClass", c.floor());
  }

  private void printNll(LikelihoodEvaluation.Report r, boolean images, Map<String, Object> results) {
    if (images) {
      if (r.n() < r.requested()) {
        out().printf(Locale.ROOT, "--nll-n %d: %s holds only %d images; used all of them%n",
            r.requested(), r.data(), r.n());
      }
      out().printf(Locale.ROOT, "nll         %.4f bits/dim +- %.4f (s.e.)  (%.2f nats per image)"
              + "  n %d from %s, dequantised x = (k + u)/128 - 1; rk45 rtol %.0e atol %.0e, %s"
              + " divergence, %d evaluations, wall %.1f s; %s%n",
          r.bitsPerDim(), r.bitsPerDimSe(), r.nll(), r.n(), r.data(), nllRtol, nllAtol,
          r.divergence(), r.evaluations(), r.wallSeconds(), r.prior());
      results.put("bitsPerDim", r.bitsPerDim());
      results.put("bitsPerDimSe", r.bitsPerDimSe());
      results.put("nll", r.nll());
    } else {
      out().printf(Locale.ROOT, "nll         %.4f nats +- %.4f (s.e.)  n %d, rk45 rtol %.0e atol"
              + " %.0e, %s divergence, %d evaluations, wall %.1f s; %s%n",
          r.nll(), r.nllSe(), r.n(), nllRtol, nllAtol, r.divergence(), r.evaluations(),
          r.wallSeconds(), r.prior());
      results.put("nll", r.nll());
      results.put("nllSe", r.nllSe());
    }
    results.put("nllN", r.n());
    results.put("nllEvaluations", r.evaluations());
    results.put("divergence", r.divergence());
    if (r.hasTrueMixture()) {
      out().printf(Locale.ROOT, "            true mixture on the same points: -log p_tmin %.4f,"
          + " -log p_0 %.4f nats%n", r.trueNllTmin(), r.trueNll0());
      results.put("trueNllTmin", r.trueNllTmin());
      results.put("trueNll0", r.trueNll0());
    }
  }

  /** --calibrate: the table of real and degraded sets. */
  private void calibration(NDManager manager, Map<String, Object> results) {
    String dataName = data;
    String dataDir = null;
    if (source != null) {
      try (LoadedModel model = source.load(manager, !rawWeights)) {
        dataName = model.config().data;
        dataDir = model.config().dataDir;
        String why = ImageEvaluation.unavailable(imageShape(model));
        require(why == null, "--calibrate: FID-LeNet is " + why);
      }
    }
    Path folder = classifier != null ? classifier : Classifier.defaultFolder(dataName);
    require(folder != null && Files.isDirectory(folder), "--calibrate: no classifier "
        + (folder == null ? "named for " + dataName : "at " + folder) + "; train one with"
        + " `scoreflow classifier` or name it with --classifier");
    int count = n != null ? n : 1000;
    try (NDManager m = manager.newSubManager();
        ImageEvaluation ev = ImageEvaluation.open(folder, dataDir, m)) {
      long t0 = System.nanoTime();
      Calibration.Report r = ev.calibrate(count, subsets, seed, m);
      printCalibration(r, (System.nanoTime() - t0) / 1e9, results);
    }
  }

  private void printCalibration(Calibration.Report r, double seconds, Map<String, Object> results) {
    out().printf(Locale.ROOT, "calibration of FID-LeNet: classifier %s (test accuracy %.4f), n %d,"
            + " seed %d; every set of n images against the same n training images as `eval --n %d"
            + " --seed %d`; %d disjoint real subsets of the %d held-out images (%.1f s)%n",
        r.classifier(), r.classifierTestAccuracy(), r.n(), r.seed(), r.n(), r.seed(),
        r.real().size(), r.heldOut(), seconds);
    out().printf(Locale.ROOT, "%-14s %10s %9s %9s  %s%n", "set", "FID-LeNet", "x real", "LeNet acc",
        "what");
    double mean = r.realMean();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Calibration.Row row : r.real()) {
      printRow(row, mean, rows);
    }
    out().printf(Locale.ROOT, "%-14s %10.3f %9s %9s  mean of the real subsets (min %.3f, max %.3f)%n",
        "real mean", mean, "1.00", "", r.realMin(), r.realMax());
    for (Calibration.Row row : r.degraded()) {
      printRow(row, mean, rows);
    }
    results.put("calibration", true);
    results.put("classifier", String.valueOf(r.classifier()));
    results.put("classifierTestAccuracy", r.classifierTestAccuracy());
    results.put("n", r.n());
    results.put("seed", r.seed());
    results.put("heldOut", r.heldOut());
    results.put("subsets", r.real().size());
    results.put("realMean", mean);
    results.put("realMin", r.realMin());
    results.put("realMax", r.realMax());
    results.put("rows", rows);
  }

  private void printRow(Calibration.Row row, double realMean, List<Map<String, Object>> rows) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("name", row.name());
    j.put("description", row.description());
    if (row.note() != null) {
      out().printf(Locale.ROOT, "%-14s %10s %9s %9s  %s%n", row.name(), "-", "-", "-", row.note());
      j.put("note", row.note());
    } else {
      out().printf(Locale.ROOT, "%-14s %10.3f %9.2f %9.4f  %s%n", row.name(), row.fid(),
          row.fid() / realMean, row.accuracy(), row.description());
      j.put("fidLenet", row.fid());
      j.put("ratioToRealMean", row.fid() / realMean);
      j.put("accuracy", row.accuracy());
    }
    rows.add(j);
  }

  static String nfeText(double nfe) {
    return nfe == Math.rint(nfe) ? Long.toString((long) nfe) : String.format(Locale.ROOT, "%.1f", nfe);
  }
}
