package dev.scoreflow.job;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.io.Npy;
import dev.scoreflow.model.CountingPredictor;
import dev.scoreflow.plot.ImageGrid;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.sample.StepObserver;
import java.io.IOException;
import java.nio.file.Path;

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
   * @param nfe network evaluations per sample (per chunk, averaged over the chunks)
   * @param wallSeconds time spent sampling and writing
   */
  public record Result(NDArray kept, long count, double nfe, double wallSeconds) {}

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
  private final Shape dataShape;
  private final boolean images;

  /** {@code dataShape} is one sample's shape; samples are images when it has 3 axes. */
  public SamplingJob(Denoiser denoiser, Shape dataShape) {
    this.denoiser = denoiser;
    this.dataShape = dataShape;
    this.images = dataShape.dimension() == 3;
  }

  public Result run(Sampler sampler, double tMin, long seed, ChunkedSampling.Plan plan,
      Outputs outputs, NDManager manager, Monitor monitor) throws IOException {
    CountingPredictor counted = new CountingPredictor(denoiser.network());
    long[] npyShape = new Shape(plan.count()).addAll(dataShape).getShape();
    NDList kept = new NDList();
    long t0 = System.nanoTime();
    try (Npy.Writer npy = outputs.npy() != null ? new Npy.Writer(outputs.npy(), npyShape) : null) {
      ChunkedSampling.run(sampler, denoiser.withNetwork(counted), dataShape, tMin, seed, plan,
          manager,
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
    double nfe = (double) counted.calls() / (plan.to() - plan.from());
    return new Result(keptAll, plan.count(), nfe, wall);
  }
}
