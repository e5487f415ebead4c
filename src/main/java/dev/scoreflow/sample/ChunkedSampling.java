package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.NoisePredictor;
import java.io.IOException;

/**
 * Draws N samples in fixed chunks of C, each chunk seeded from (seed, chunk index) alone: the
 * prior draw and sampler noise of sample i depend only on (seed, C, i), so any split of the
 * chunks over processes or machines gives the same samples, and memory is that of one chunk
 * whatever N is (docs/sampling.md, "Chunks").
 */
public final class ChunkedSampling {
  /** The default chunk size of {@code sample}, {@code eval} and the Spark job. */
  public static final int DEFAULT_CHUNK = 256;

  /**
   * PyTorch's generator is global to the process, so a chunk's seed-then-draw must not
   * interleave with another thread's (Spark runs tasks on threads of one JVM).
   */
  private static final Object GENERATOR = new Object();

  /** N samples cut into chunks of {@code chunk}; chunks [from, to) are the ones to make. */
  public record Plan(long n, int chunk, int from, int to) {
    public Plan {
      if (n < 1) {
        throw new IllegalArgumentException("--n must be at least 1, got " + n);
      }
      if (chunk < 1) {
        throw new IllegalArgumentException("--chunk must be at least 1, got " + chunk);
      }
      long total = (n + chunk - 1) / chunk;
      if (from < 0 || to > total || from >= to) {
        throw new IllegalArgumentException("--chunks " + from + ":" + to + ": expected FROM:TO with"
            + " 0 <= FROM < TO <= " + total + " (the " + total + " chunks of " + chunk + " in --n "
            + n + ")");
      }
    }

    /** All chunks of n. */
    public static Plan whole(long n, int chunk) {
      if (chunk < 1) {
        throw new IllegalArgumentException("--chunk must be at least 1, got " + chunk);
      }
      return new Plan(n, chunk, 0, Math.toIntExact(chunks(n, chunk)));
    }

    /** Parses {@code FROM:TO} (null: all chunks). */
    public static Plan parse(long n, int chunk, String range) {
      if (range == null) {
        return whole(n, chunk);
      }
      String[] p = range.split(":", -1);
      try {
        if (p.length != 2) {
          throw new NumberFormatException();
        }
        return new Plan(n, chunk, Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--chunks expects FROM:TO (chunk indices, TO not"
            + " included), e.g. 0:4; got '" + range + "'");
      }
    }

    public static long chunks(long n, int chunk) {
      return (n + chunk - 1) / chunk;
    }

    /** Index of the first sample of chunk c. */
    public long first(int c) {
      return (long) c * chunk;
    }

    /** Samples in chunk c (the last chunk of n may be short). */
    public int size(int c) {
      return (int) Math.min(chunk, n - first(c));
    }

    /** Samples this plan makes. */
    public long count() {
      return first(to - 1) + size(to - 1) - first(from);
    }
  }

  /** What happens to each chunk as it is made. */
  public interface Listener {
    /** Chunk c starts from its prior draw {@code prior} (not to be kept or closed). */
    default void chunkStarted(int chunk, NDArray prior) {}

    /** The observer for chunk c's steps (e.g. progress or trajectories). */
    default StepObserver observer(int chunk) {
      return StepObserver.NONE;
    }

    /**
     * Chunk c is done: {@code samples} holds its samples, the first being sample {@code first}
     * of the whole; it is closed after this returns.
     */
    void chunkDone(int chunk, long first, NDArray samples) throws IOException;
  }

  /**
   * The predictor of one chunk, built on the chunk's manager: e.g. guidance towards the classes
   * of samples first..first+size-1 ({@link ClassLabels}). It must depend only on those indices.
   */
  @FunctionalInterface
  public interface ChunkPredictor {
    NoisePredictor forChunk(NDManager chunk, long first, int size);
  }

  private ChunkedSampling() {}

  /** The seed of chunk c: a 64-bit mix of (seed, c), so nearby seeds give unrelated chunks. */
  public static long chunkSeed(long seed, int chunk) {
    long z = seed * 0x9E3779B97F4A7C15L + (chunk + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Makes the plan's chunks in order on {@code manager}'s device and hands each to the
   * listener. Arrays of a chunk live in a sub-manager closed after the chunk. The sampler is
   * checked against the process before the first chunk.
   */
  public static void run(Sampler sampler, Denoiser denoiser, Shape dataShape, double tMin,
      long seed, Plan plan, NDManager manager, Listener listener) throws IOException {
    run(sampler, denoiser, (m, first, size) -> denoiser.network(), dataShape, tMin, seed, plan,
        manager, listener);
  }

  /**
   * As above, with the network made for each chunk (e.g. guidance towards per-sample classes),
   * read through {@code denoiser}'s parameterisation.
   */
  public static void run(Sampler sampler, Denoiser denoiser, ChunkPredictor predictors,
      Shape dataShape, double tMin, long seed, Plan plan, NDManager manager, Listener listener)
      throws IOException {
    sampler.check(denoiser);
    for (int c = plan.from(); c < plan.to(); c++) {
      try (NDManager m = manager.newSubManager()) {
        Denoiser chunkDenoiser = denoiser.withNetwork(predictors.forChunk(m, plan.first(c),
            plan.size(c)));
        NDArray x0;
        synchronized (GENERATOR) {
          ScoreflowEngine.seed(chunkSeed(seed, c));
          NDArray x1 = denoiser.process().samplePrior(m, new Shape(plan.size(c)).addAll(dataShape));
          listener.chunkStarted(c, x1);
          x0 = sampler.sample(chunkDenoiser, x1, tMin, listener.observer(c));
        }
        listener.chunkDone(c, plan.first(c), x0);
      }
    }
  }
}
