package dev.scoreflow.job;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.io.Npy;
import dev.scoreflow.model.ConditionalPredictor;
import dev.scoreflow.model.CountingPredictor;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.plot.ImageGrid;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.sample.ClassLabels;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.sample.Guidance;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.sample.StepObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.DoubleToIntFunction;

/**
 * One sampling run as {@code sample}, {@code eval} and the Spark job make it: the chunks of a
 * {@link ChunkedSampling.Plan}, streamed to a {@code .npy} file and to one PNG per sample as
 * they come, with only the first few samples (for a picture) kept in memory. Memory is that of
 * one chunk, whatever N.
 */
public final class SamplingJob {
  /** Where the samples go. Any field may be null / 0. */
  public record Outputs(Path npy, Path imagesDir, int keep) {
    public static Outputs none() {
      return new Outputs(null, null, 0);
    }
  }

  /**
   * @param kept the first {@code keep} samples of the plan (on the job's manager), or null
   * @param count samples made
   * @param nfe network evaluations per sample (per chunk, averaged over the chunks); a guided
   *     call that batches the conditional and unconditional halves counts as two
   * @param wallSeconds time spent sampling and writing
   * @param calls predictor calls (the sampler's evaluations) per sample, averaged likewise: below
   *     nfe where calls batch both halves of classifier-free guidance
   */
  public record Result(NDArray kept, long count, double nfe, double wallSeconds, double calls) {}

  /** Sees the run as it goes: each chunk's steps and its end. */
  public interface Monitor {
    Monitor NONE = new Monitor() {};

    /** Chunk c starts from {@code prior} (not to be kept or closed). */
    default void chunkStarted(int chunk, NDArray prior) {}

    /** An observer of chunk c's steps; {@code calls} counts the evaluations so far. */
    default StepObserver observer(int chunk, CountingPredictor calls) {
      return StepObserver.NONE;
    }

    /** Chunk c is done; {@code samples} is closed after this returns. */
    default void chunkDone(int chunk, long first, NDArray samples) {}
  }

  private final Denoiser denoiser;
  private final ChunkedSampling.ChunkPredictor eps;
  private final DoubleToIntFunction evaluationsAt;
  private final Shape dataShape;
  private final boolean images;

  /** {@code dataShape} is one sample's shape; samples are images when it has 3 axes. */
  public SamplingJob(Denoiser denoiser, Shape dataShape) {
    this(denoiser, (m, first, size) -> denoiser.network(), t -> 1, dataShape);
  }

  /**
   * A job whose network is made per chunk ({@link ChunkedSampling.ChunkPredictor}) and read
   * through {@code denoiser}'s parameterisation; a call at time t costs
   * {@code evaluationsAt(t)} network evaluations per sample.
   */
  public SamplingJob(Denoiser denoiser, ChunkedSampling.ChunkPredictor eps,
      DoubleToIntFunction evaluationsAt, Shape dataShape) {
    this.denoiser = denoiser;
    this.eps = eps;
    this.evaluationsAt = evaluationsAt;
    this.dataShape = dataShape;
    this.images = dataShape.dimension() == 3;
  }

  /**
   * Classifier-free guidance towards the classes {@code classes} assigns to each sample index
   * (docs/theory.md, "Class conditioning and guidance").
   */
  public static SamplingJob guided(ConditionalPredictor model, ClassLabels classes,
      Guidance guidance, Denoiser denoiser, Shape dataShape) {
    return new SamplingJob(denoiser, (m, first, size) -> guidance.predictor(model,
        classes.labels(m, first, size), denoiser.process()),
        guidance.evaluationsAt(denoiser.process()), dataShape);
  }

  public Result run(Sampler sampler, double tMin, long seed, ChunkedSampling.Plan plan,
      Outputs outputs, NDManager manager, Monitor monitor) throws IOException {
    NoisePredictor[] chunkEps = new NoisePredictor[1];
    // One counter over the whole run, whichever chunk's predictor it passes calls to.
    CountingPredictor counted =
        new CountingPredictor((x, t) -> chunkEps[0].predict(x, t), evaluationsAt);
    long[] npyShape = new Shape(plan.count()).addAll(dataShape).getShape();
    NDList kept = new NDList();
    long t0 = System.nanoTime();
    try (Npy.Writer npy = outputs.npy() != null ? new Npy.Writer(outputs.npy(), npyShape) : null) {
      ChunkedSampling.run(sampler, denoiser, (m, first, size) -> {
        chunkEps[0] = eps.forChunk(m, first, size);
        return counted;
      }, dataShape, tMin, seed, plan, manager,
          new ChunkedSampling.Listener() {
            @Override
            public void chunkStarted(int chunk, NDArray prior) {
              monitor.chunkStarted(chunk, prior);
            }

            @Override
            public StepObserver observer(int chunk) {
              return monitor.observer(chunk, counted);
            }

            @Override
            public void chunkDone(int chunk, long first, NDArray samples) throws IOException {
              if (npy != null) {
                npy.append(samples);
              }
              if (outputs.imagesDir() != null && images) {
                ImageGrid.writeEach(outputs.imagesDir(), samples, first);
              }
              long have = kept.stream().mapToLong(a -> a.getShape().get(0)).sum();
              if (have < outputs.keep()) {
                int take = (int) Math.min(outputs.keep() - have, samples.getShape().get(0));
                NDArray part = samples.get(new NDIndex("0:" + take)).duplicate();
                part.attach(manager);
                kept.add(part);
              }
              monitor.chunkDone(chunk, first, samples);
            }
          });
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    NDArray keptAll = null;
    if (kept.size() == 1) {
      keptAll = kept.get(0);
    } else if (kept.size() > 1) {
      keptAll = NDArrays.concat(kept);
      keptAll.attach(manager);
      kept.close();
    }
    int chunks = plan.to() - plan.from();
    return new Result(keptAll, plan.count(), (double) counted.evaluations() / chunks, wall,
        (double) counted.calls() / chunks);
  }
}
