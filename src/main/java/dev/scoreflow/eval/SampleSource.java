package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;

/**
 * Where the samples an evaluation measures come from: a model's sampler (the command line wraps
 * a sampling job), or a test's fixed images. Evaluation stays below the job layer this way, and
 * a class-conditional sampler plugs in by honouring {@code classes}.
 */
public interface SampleSource {
  /**
   * Draws n samples, on {@code manager}.
   *
   * @param classes the class each sample is asked for (length n), or null for unconditional
   */
  Drawn draw(int n, int[] classes, NDManager manager) throws IOException;

  /** The sampler and its settings, for reports. */
  String describe();

  /**
   * What was drawn and what it cost.
   *
   * @param samples [n, ...] in the data's range
   * @param nfe network evaluations per sample (mean over chunks)
   */
  record Drawn(NDArray samples, double nfe, double wallSeconds) {}

  /** How a report's samples were made: the source's description, the count, NFE and wall time. */
  record Sampling(String sampler, int n, double nfe, double wallSeconds) {}

  /** A source that hands out fixed samples (the first n), e.g. real images in tests; NFE 0. */
  static SampleSource of(NDArray samples, String description) {
    return new SampleSource() {
      @Override
      public Drawn draw(int n, int[] classes, NDManager manager) {
        if (n > samples.getShape().get(0)) {
          throw new IllegalArgumentException(description + ": holds " + samples.getShape().get(0)
              + " samples, asked for " + n);
        }
        NDArray first = samples.get("0:" + n);
        first.attach(manager);
        return new Drawn(first, 0, 0);
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }
}
