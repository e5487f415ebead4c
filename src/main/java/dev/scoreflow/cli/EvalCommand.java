package dev.scoreflow.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.classifier.ClassifierInfo;
import dev.scoreflow.classifier.ClassifierSplit;
import dev.scoreflow.eval.ImageQuality;
import dev.scoreflow.data.IdxData;
import dev.scoreflow.data.IdxReader;
import dev.scoreflow.data.ImageFiles;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.data.Permutations;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.eval.OdeLikelihood;
import dev.scoreflow.eval.OdeLikelihood.Divergence;
import dev.scoreflow.eval.SampleQuality;
import dev.scoreflow.job.SamplingJob;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.VpLinear;
import dev.scoreflow.spec.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import dev.scoreflow.tensor.HostCopy;

/**
 * {@code scoreflow eval}: how good a trained model is. For 2-D data: sliced Wasserstein-1 of
 * samples against fresh data beside the statistic's floor, for gmm8 also mode shares and the
 * samples' log-density under the true mixture. For images: FID-LeNet beside its floor and the
 * class histogram, with the classifier `scoreflow classifier` trains. With --nll the probability-flow ODE likelihood of
 * fresh data (nats for 2-D, bits/dim for images).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate a trained run or model: sliced Wasserstein distance to the data beside "
        + "its floor (2-D) or FID-LeNet beside its floor and the class histogram (images), and "
        + "with --nll the ODE negative log-likelihood of fresh data.")
final class EvalCommand implements Callable<Integer> {
  private static final Logger LOG = LogManager.getLogger(EvalCommand.class);
  /**
   * Seeds of the stages after sampling; the samples themselves are `sample --seed --chunk`'s
   * (chunks seeded from (seed, chunk index)).
   */
  private static final long STAGE_STRIDE = dev.scoreflow.eval.EvalSeeds.STRIDE;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Mixin SamplerOptions samplerOptions;

  @Option(names = "--n", description = "Number of samples, and of data points they are compared with (default: 5000 for 2-D, 1000 for images).")
  Integer n;

  @Option(names = "--classifier", paramLabel = "DIR",
      description = "Images: the LeNet folder for FID-LeNet (default: models/lenet-DATA, written by `scoreflow classifier`).")
  Path classifier;

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
    Sampler sampler = samplerOptions.create(); // checks flags before the engine starts
    require(n == null || n >= 2, "--n must be at least 2, got " + n);
    require(sampleBatch >= 1, "--chunk must be at least 1, got " + sampleBatch);
    require(nllN >= 1, "--nll-n must be at least 1, got " + nllN);
    require(nllBatch == null || nllBatch >= 1, "--nll-batch must be at least 1, got " + nllBatch);
    require(projections >= 1, "--projections must be at least 1, got " + projections);
    require(floorRepeats >= 1, "--floor-repeats must be at least 1, got " + floorRepeats);
    require(nllRtol > 0 && nllAtol > 0, "--nll-rtol and --nll-atol must be positive");
    Divergence div = divergence == null ? null : Divergence.parse(divergence);
    Device device = global.start();
    Map<String, Object> results = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(device);
        LoadedModel model = source.load(manager, !rawWeights)) {
      TrainConfig cfg = model.config();
      boolean images = TrainConfig.isImageData(cfg.data);
      double tEnd = tMin != null ? tMin : cfg.tMin;
      out().printf(Locale.ROOT, "eval %s: data %s, process %s, %s weights, t-min %s%n",
          source.path(), cfg.data, model.process().name(),
          source.run != null && rawWeights ? "training" : "EMA", tEnd);
      results.put("source", source.path().toString());
      results.put("data", cfg.data);
      results.put("process", model.process().name());
      if (images) {
        imageQuality(model, manager, sampler, tEnd, results);
        if (nll) {
          imageNll(model, manager, tEnd, div == null ? Divergence.RADEMACHER : div, results);
        }
      } else {
        ToyData data = ToyData.byName(cfg.data);
        n = n != null ? n : 5000;
        sampleQuality(model, manager, sampler, data, tEnd, results);
        if (nll) {
          toyNll(model, manager, data, tEnd, div == null ? Divergence.EXACT : div, results);
        }
      }
    }
    if (json) {
      out().println(new Gson().toJson(results));
    }
    return 0;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private void seedStage(int stage) {
    ScoreflowEngine.seed(seed * STAGE_STRIDE + stage);
  }

  /** The exact gmm8 mixture (a VP process, so that t = 0 is p_0 itself), or null. */
  private static GaussianMixtureOracle mixtureOf(ToyData data, NDManager manager) {
    return data == ToyData.GMM8 ? GaussianMixtureOracle.gmm8(new VpLinear(), manager) : null;
  }

  private void sampleQuality(LoadedModel model, NDManager manager, Sampler sampler, ToyData data,
      double tEnd, Map<String, Object> results) throws java.io.IOException {
    try (NDManager m = manager.newSubManager()) {
      Drawn drawn = draw(model, sampler, tEnd, n, n, m);
      NDArray x0 = drawn.result().kept();
      out().printf(Locale.ROOT, "sampler     %s  n %d  NFE %s  wall %.2f s%n",
          sampler.describe(), n, nfeText(drawn.result().nfe()), drawn.result().wallSeconds());
      seedStage(1);
      SampleQuality.SlicedW1 sw = SampleQuality.slicedW1(x0, data::sample, projections, seed,
          floorRepeats);
      out().printf(Locale.ROOT,
          "sliced W1   %.4f  floor %.4f +- %.4f  (%.2fx the floor; floor = data vs data, n %d,"
              + " %d repeats, %d projections)%n",
          sw.distance(), sw.floorMean(), sw.floorSd(), sw.ratio(), n, sw.repeats(), sw.projections());
      results.put("sampler", sampler.describe());
      results.put("n", n);
      results.put("nfe", drawn.result().nfe());
      results.put("sw", sw.distance());
      results.put("swFloor", sw.floorMean());
      results.put("swFloorSd", sw.floorSd());
      GaussianMixtureOracle mixture = mixtureOf(data, m);
      if (mixture != null) {
        double[] shares = SampleQuality.modeShares(mixture, x0);
        StringBuilder sb = new StringBuilder();
        double worst = 0;
        for (double s : shares) {
          sb.append(String.format(Locale.ROOT, " %.1f", 100 * s));
          worst = Math.max(worst, Math.abs(s - 1.0 / shares.length));
        }
        out().printf(Locale.ROOT, "modes      %s %%  (nearest centre; ideal %.1f each,"
            + " largest deviation %.1f points)%n", sb, 100.0 / shares.length, 100 * worst);
        double logpSamples = SampleQuality.meanLogDensity(mixture, x0);
        double logpData = SampleQuality.meanLogDensity(mixture, data.sample(m, n));
        out().printf(Locale.ROOT, "log p_data  %.4f nats  mean over the samples, under the"
            + " true mixture (fresh data score %.4f)%n", logpSamples, logpData);
        results.put("modeShares", shares);
        results.put("meanLogDensity", logpSamples);
        results.put("dataMeanLogDensity", logpData);
      }
    }
  }

  /** FID-LeNet beside its floor, and the class histogram, of n samples (in batches). */
  private void imageQuality(LoadedModel model, NDManager manager, Sampler sampler, double tEnd,
      Map<String, Object> results) throws java.io.IOException {
    TrainConfig cfg = model.config();
    Path folder = classifier != null ? classifier : Classifier.defaultFolder(cfg.data);
    if (classifier == null && (folder == null || !Files.isDirectory(folder))) {
      out().printf(Locale.ROOT, "FID-LeNet   skipped: no classifier %s; train one with"
              + " `scoreflow classifier --data %s%s` and name it with --classifier%n",
          folder == null ? "named for " + cfg.data : "at " + folder, cfg.data,
          folder == null ? " --out DIR" : "");
      return;
    }
    try (NDManager m = manager.newSubManager(); Classifier lenet = Classifier.load(folder, m)) {
      ClassifierInfo info = lenet.info();
      if (!info.data.equals(cfg.data)) {
        out().printf(Locale.ROOT, "note: the classifier %s was trained on %s, the model on %s%n",
            folder, info.data, cfg.data);
      }
      ClassifierSplit split = ClassifierSplit.load(info.data,
          ImageSource.dataDir(info.dataDir != null ? info.dataDir : cfg.dataDir), info.holdout,
          info.splitSeed);
      require(split.train().size() == info.trainImages && split.test().size() == info.testImages,
          folder + " was trained on a split of " + info.trainImages + " + " + info.testImages
              + " images, but the data on disk splits into " + split.train().size() + " + "
              + split.test().size() + "; evaluate with the data it was trained on");
      int count = n != null ? n : Math.min(1000, ImageQuality.maxN(split));
      require(count <= ImageQuality.maxN(split), "--n " + count + ": FID-LeNet's floor needs as"
          + " many held-out images, and the classifier's split holds " + ImageQuality.maxN(split));
      Drawn drawn = draw(model, sampler, tEnd, count, count, m);
      NDArray samples = drawn.result().kept();
      out().printf(Locale.ROOT, "sampler     %s  n %d  NFE %s  wall %.2f s%n", sampler.describe(),
          count, nfeText(drawn.result().nfe()), drawn.result().wallSeconds());
      LOG.info("eval: LeNet features of {} samples and 2 x {} data images", count, count);
      ImageQuality.Result q = ImageQuality.measure(lenet, samples, split,
          dev.scoreflow.eval.EvalSeeds.stage(seed, dev.scoreflow.eval.EvalSeeds.FID_IMAGES));
      out().printf(Locale.ROOT, "FID-LeNet   %.3f  floor %.3f  (%.2fx the floor; floor = %d held-out"
              + " vs %d training images of %s, whose test accuracy is %.4f; not comparable with"
              + " Inception FID)%n", q.fid(), q.floor(), q.ratio(), q.n(), q.n(), folder,
          info.testAccuracy);
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < q.classShares().length; c++) {
        sb.append(String.format(Locale.ROOT, " %d:%.1f", c, 100 * q.classShares()[c]));
      }
      out().printf(Locale.ROOT, "classes    %s %%  (LeNet's reading of the samples; largest"
          + " deviation from the held-out images' shares %.1f points)%n", sb,
          100 * q.worstClassDeviation());
      results.put("sampler", sampler.describe());
      results.put("n", count);
      results.put("nfe", drawn.result().nfe());
      results.put("fidLenet", q.fid());
      results.put("fidLenetFloor", q.floor());
      results.put("classShares", q.classShares());
      results.put("dataClassShares", q.dataClassShares());
      results.put("classifierTestAccuracy", info.testAccuracy);
    }
  }

  private record Drawn(SamplingJob.Result result) {}

  /** n samples in chunks (those of `sample --seed --chunk`), the first {@code keep} kept. */
  private Drawn draw(LoadedModel model, Sampler sampler, double tEnd, long count, long keep,
      NDManager m) throws java.io.IOException {
    ChunkedSampling.Plan plan = ChunkedSampling.Plan.whole(count, sampleBatch);
    SamplingJob job = new SamplingJob(model.denoiser(),
        model.network().dataShape());
    try (SamplingProgress progress = new SamplingProgress("eval: sampling", plan,
        samplerOptions.plannedSteps(), model.process().tMax(), tEnd)) {
      return new Drawn(job.run(sampler, tEnd, seed, plan,
          new SamplingJob.Outputs(null, null, (int) keep), m, progress));
    }
  }

  static String nfeText(double nfe) {
    return nfe == Math.rint(nfe) ? Long.toString((long) nfe) : String.format(Locale.ROOT, "%.1f", nfe);
  }

  private OdeLikelihood likelihood(LoadedModel model, double tEnd, Divergence div) {
    return new OdeLikelihood(model.denoiser(), tEnd, nllRtol, nllAtol, div);
  }

  private String priorText(NoiseProcess p) {
    return p.describePrior();
  }

  private void toyNll(LoadedModel model, NDManager manager, ToyData data, double tEnd,
      Divergence div, Map<String, Object> results) {
    int batch = nllBatch != null ? nllBatch : 1000;
    OdeLikelihood lik = likelihood(model, tEnd, div);
    NoiseProcess p = model.process();
    OdeLikelihood.Prior prior = p::priorLogDensity;
    List<Double> logps = new ArrayList<>();
    double exactTmin = 0;
    double exact0 = 0;
    long evaluations = 0;
    long t0 = System.nanoTime();
    try (NDManager m = manager.newSubManager();
        Progress progress = new Progress("eval: likelihood", nllN, "points")) {
      seedStage(2);
      NDArray x = data.sample(m, nllN);
      GaussianMixtureOracle mixture = mixtureOf(data, m);
      for (int start = 0; start < nllN; start += batch) {
        int size = Math.min(batch, nllN - start);
        try (NDManager chunk = m.newSubManager()) {
          NDArray xs = x.get(start + ":" + (start + size));
          xs.attach(chunk);
          OdeLikelihood.Result r = lik.evaluate(xs, prior);
          evaluations += r.evaluations;
          for (double v : r.logp) {
            logps.add(v);
          }
          if (mixture != null) {
            // The model's reference: the true mixture at the same t-min (and at t = 0).
            GaussianMixtureOracle atTmin = GaussianMixtureOracle.gmm8(p, chunk);
            exactTmin += HostCopy.scalar(atTmin.logDensity(xs, tEnd).sum());
            exact0 += HostCopy.scalar(mixture.logDensity(xs, 0.0).sum());
          }
        }
        progress.update(start + size);
      }
    }
    double[] ms = meanAndStdError(logps);
    double wall = (System.nanoTime() - t0) / 1e9;
    out().printf(Locale.ROOT, "nll         %.4f nats +- %.4f (s.e.)  n %d, rk45 rtol %.0e atol"
            + " %.0e, %s divergence, %d evaluations, wall %.1f s; %s%n",
        -ms[0], ms[1], nllN, nllRtol, nllAtol, div.id(), evaluations, wall, priorText(p));
    results.put("nll", -ms[0]);
    results.put("nllSe", ms[1]);
    results.put("nllN", nllN);
    results.put("nllEvaluations", evaluations);
    results.put("divergence", div.id());
    if (data == ToyData.GMM8) {
      out().printf(Locale.ROOT, "            true mixture on the same points: -log p_tmin %.4f,"
          + " -log p_0 %.4f nats%n", -exactTmin / nllN, -exact0 / nllN);
      results.put("trueNllTmin", -exactTmin / nllN);
      results.put("trueNll0", -exact0 / nllN);
    }
  }

  private void imageNll(LoadedModel model, NDManager manager, double tEnd, Divergence div,
      Map<String, Object> results) {
    TrainConfig cfg = model.config();
    ImageFiles files = ImageSource.resolve(cfg.data, ImageSource.dataDir(cfg.dataDir),
        List.of("t10k", "train"));
    IdxData idx = IdxReader.readImages(files.images());
    int[] dims = idx.dims();
    Shape want = model.network().dataShape();
    Shape have = new Shape(1, dims[1], dims[2]);
    require(have.equals(want), files.images() + ": images " + have + ", the model takes " + want);
    int count = Math.min(nllN, idx.count());
    if (count < nllN) {
      out().printf(Locale.ROOT, "--nll-n %d: %s holds only %d images; using all of them%n",
          nllN, files.images(), idx.count());
    }
    int batch = nllBatch != null ? nllBatch : 50;
    int item = idx.itemSize();
    // A seeded choice of images: the first `count` of a shuffle.
    int[] order = Permutations.shuffled(seed * STAGE_STRIDE + 3, idx.count());
    OdeLikelihood lik = likelihood(model, tEnd, div);
    NoiseProcess p = model.process();
    OdeLikelihood.Prior prior = p::priorLogDensity;
    List<Double> bpd = new ArrayList<>();
    List<Double> nats = new ArrayList<>();
    long evaluations = 0;
    long t0 = System.nanoTime();
    seedStage(2);
    Progress progress = new Progress("eval: likelihood", count, "images");
    for (int start = 0; start < count; start += batch) {
      int size = Math.min(batch, count - start);
      byte[] bytes = new byte[size * item];
      for (int i = 0; i < size; i++) {
        System.arraycopy(idx.payload(), order[start + i] * item, bytes, i * item, item);
      }
      try (NDManager chunk = manager.newSubManager()) {
        NDArray pixels = chunk.create(ByteBuffer.wrap(bytes), new Shape(size).addAll(want), DataType.UINT8);
        OdeLikelihood.Result r = lik.evaluate(OdeLikelihood.dequantise(pixels), prior);
        evaluations += r.evaluations;
        for (double v : r.logp) {
          nats.add(-v);
          bpd.add(OdeLikelihood.bitsPerDim(v, r.dim));
        }
      }
      progress.update(start + size, String.format(Locale.ROOT, "%.3f bits/dim so far",
          meanAndStdError(bpd)[0]));
    }
    progress.close();
    double[] b = meanAndStdError(bpd);
    double[] e = meanAndStdError(nats);
    double wall = (System.nanoTime() - t0) / 1e9;
    out().printf(Locale.ROOT, "nll         %.4f bits/dim +- %.4f (s.e.)  (%.2f nats per image)  n %d"
            + " from %s, dequantised x = (k + u)/128 - 1; rk45 rtol %.0e atol %.0e, %s divergence,"
            + " %d evaluations, wall %.1f s; %s%n",
        b[0], b[1], e[0], count, files.describe(), nllRtol, nllAtol, div.id(), evaluations, wall,
        priorText(p));
    results.put("bitsPerDim", b[0]);
    results.put("bitsPerDimSe", b[1]);
    results.put("nll", e[0]);
    results.put("nllN", count);
    results.put("nllEvaluations", evaluations);
    results.put("divergence", div.id());
  }

  /** {mean, standard error of the mean}; the error is 0 for one value. */
  static double[] meanAndStdError(List<Double> v) {
    double mean = 0;
    for (double x : v) {
      mean += x / v.size();
    }
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double se = v.size() > 1 ? Math.sqrt(ss / (v.size() - 1) / v.size()) : 0;
    return new double[] {mean, se};
  }
}
