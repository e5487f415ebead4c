package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.data.IdxData;
import dev.scoreflow.data.IdxReader;
import dev.scoreflow.data.ImageFiles;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.data.Permutations;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.VpLinear;
import dev.scoreflow.tensor.HostCopy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * `scoreflow eval --nll`: the probability-flow ODE likelihood ({@link OdeLikelihood}) of fresh
 * data, in batches: nats per point for 2-D data (beside the true gmm8 mixture's), bits per
 * dimension of dequantised held-out images.
 */
public final class LikelihoodEvaluation {
  /** Seed stage of the data draws and the divergence probes ({@link EvalSeeds}). */
  static final int STAGE = 2;
  /** Seed stage of the choice of images. */
  static final int IMAGE_CHOICE = 3;

  private LikelihoodEvaluation() {}

  /** Progress of a long solve: points done out of the total, and a short status. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total, status) -> { };

    void update(long done, long total, String status);
  }

  /**
   * @param n points (or images) asked for
   * @param batch points per solve
   * @param tMin where the solve starts
   */
  public record Settings(int n, int batch, double rtol, double atol,
      OdeLikelihood.Divergence divergence, double tMin, long seed) {
    public Settings {
      if (n < 1) {
        throw new IllegalArgumentException("--nll-n must be at least 1, got " + n);
      }
      if (batch < 1) {
        throw new IllegalArgumentException("--nll-batch must be at least 1, got " + batch);
      }
      if (!(rtol > 0 && atol > 0)) {
        throw new IllegalArgumentException("--nll-rtol and --nll-atol must be positive");
      }
    }
  }

  /**
   * @param nll mean negative log-likelihood, nats (per point or per image)
   * @param nllSe its standard error
   * @param bitsPerDim mean bits/dim and its standard error (images; NaN for points)
   * @param n points measured; {@code requested} were asked for (fewer when the file holds fewer)
   * @param evaluations network evaluations over all solves
   * @param trueNllTmin the true gmm8 mixture's mean -log p_tmin on the same points (NaN otherwise)
   * @param trueNll0 and its -log p_0
   * @param data what was measured (for images the file and split)
   * @param prior the prior the solve ends in, in words
   */
  public record Report(double nll, double nllSe, double bitsPerDim, double bitsPerDimSe, int n,
      int requested, long evaluations, String divergence, double wallSeconds, double trueNllTmin,
      double trueNll0, String data, String prior) {
    public boolean hasTrueMixture() {
      return !Double.isNaN(trueNllTmin);
    }
  }

  /** 2-D data: n fresh points, exact or Hutchinson divergence as the settings say. */
  public static Report points(Denoiser denoiser, ToyData data, Settings s,
      NDManager manager, Progress progress) {
    NoiseProcess process = denoiser.process();
    OdeLikelihood lik = new OdeLikelihood(denoiser, s.tMin(), s.rtol(), s.atol(), s.divergence());
    OdeLikelihood.Prior prior = process::priorLogDensity;
    double[] logp = new double[s.n()];
    double exactTmin = 0;
    double exact0 = 0;
    long evaluations = 0;
    long t0 = System.nanoTime();
    boolean mixture = data == ToyData.GMM8;
    try (NDManager m = manager.newSubManager()) {
      ScoreflowEngine.seed(EvalSeeds.stage(s.seed(), STAGE));
      NDArray x = data.sample(m, s.n());
      // The exact mixture (a VP process, so that t = 0 is p_0 itself) as the model's reference.
      GaussianMixtureOracle atZero = mixture ? GaussianMixtureOracle.gmm8(new VpLinear(), m) : null;
      for (int start = 0; start < s.n(); start += s.batch()) {
        int size = Math.min(s.batch(), s.n() - start);
        try (NDManager chunk = m.newSubManager()) {
          NDArray xs = x.get(start + ":" + (start + size));
          xs.attach(chunk);
          OdeLikelihood.Result r = lik.evaluate(xs, prior);
          evaluations += r.evaluations;
          System.arraycopy(r.logp, 0, logp, start, size);
          if (mixture) {
            GaussianMixtureOracle atTmin = GaussianMixtureOracle.gmm8(process, chunk);
            exactTmin += HostCopy.scalar(atTmin.logDensity(xs, s.tMin()).sum());
            exact0 += HostCopy.scalar(atZero.logDensity(xs, 0.0).sum());
          }
        }
        progress.update(start + size, s.n(), "");
      }
    }
    double[] ms = meanAndStdError(logp);
    return new Report(-ms[0], ms[1], Double.NaN, Double.NaN, s.n(), s.n(), evaluations,
        s.divergence().id(), (System.nanoTime() - t0) / 1e9,
        mixture ? -exactTmin / s.n() : Double.NaN, mixture ? -exact0 / s.n() : Double.NaN,
        data.name().toLowerCase(Locale.ROOT), priorText(process));
  }

  /**
   * Images: a seeded choice of n held-out images (the t10k file, else the training one) of
   * {@code data}, dequantised as x = (k + u)/128 - 1, in bits/dim.
   *
   * @param shape the model's image shape; the files must hold images of that shape
   */
  public static Report images(Denoiser denoiser, Shape shape, String data,
      Path dataDir, Settings s, NDManager manager, Progress progress) {
    ImageFiles files = ImageSource.resolve(data, dataDir, List.of("t10k", "train"));
    IdxData idx = IdxReader.readImages(files.images());
    int[] dims = idx.dims();
    Shape have = new Shape(1, dims[1], dims[2]);
    if (!have.equals(shape)) {
      throw new IllegalArgumentException(files.images() + ": images " + have + ", the model takes "
          + shape);
    }
    int count = Math.min(s.n(), idx.count());
    int item = idx.itemSize();
    int[] order = Permutations.shuffled(EvalSeeds.stage(s.seed(), IMAGE_CHOICE), idx.count());
    NoiseProcess process = denoiser.process();
    OdeLikelihood lik = new OdeLikelihood(denoiser, s.tMin(), s.rtol(), s.atol(), s.divergence());
    OdeLikelihood.Prior prior = process::priorLogDensity;
    double[] bpd = new double[count];
    double[] nats = new double[count];
    long evaluations = 0;
    long t0 = System.nanoTime();
    ScoreflowEngine.seed(EvalSeeds.stage(s.seed(), STAGE));
    for (int start = 0; start < count; start += s.batch()) {
      int size = Math.min(s.batch(), count - start);
      byte[] bytes = new byte[size * item];
      for (int i = 0; i < size; i++) {
        System.arraycopy(idx.payload(), order[start + i] * item, bytes, i * item, item);
      }
      try (NDManager chunk = manager.newSubManager()) {
        NDArray pixels = chunk.create(ByteBuffer.wrap(bytes), new Shape(size).addAll(shape),
            DataType.UINT8);
        OdeLikelihood.Result r = lik.evaluate(OdeLikelihood.dequantise(pixels), prior);
        evaluations += r.evaluations;
        for (int i = 0; i < size; i++) {
          nats[start + i] = -r.logp[i];
          bpd[start + i] = OdeLikelihood.bitsPerDim(r.logp[i], r.dim);
        }
      }
      progress.update(start + size, count, String.format(Locale.ROOT, "%.3f bits/dim so far",
          meanAndStdError(java.util.Arrays.copyOf(bpd, start + size))[0]));
    }
    double[] b = meanAndStdError(bpd);
    double[] e = meanAndStdError(nats);
    return new Report(e[0], e[1], b[0], b[1], count, s.n(), evaluations, s.divergence().id(),
        (System.nanoTime() - t0) / 1e9, Double.NaN, Double.NaN, files.describe(),
        priorText(process));
  }

  /** The prior the solve ends in, in words (a VP process's a(tmax) is taken as 0). */
  static String priorText(NoiseProcess p) {
    return p.describePrior();
  }

  /** {mean, standard error of the mean}; the error is 0 for one value. */
  static double[] meanAndStdError(double[] v) {
    double mean = 0;
    for (double x : v) {
      mean += x / v.length;
    }
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double se = v.length > 1 ? Math.sqrt(ss / (v.length - 1) / v.length) : 0;
    return new double[] {mean, se};
  }
}
