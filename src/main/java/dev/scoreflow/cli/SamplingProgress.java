package dev.scoreflow.cli;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.job.SamplingJob;
import dev.scoreflow.model.CountingPredictor;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.sample.StepObserver;
import java.util.Locale;

/**
 * Progress of a chunked sampling run in samples: a chunk counts as its share of samples times
 * the share of its steps done (or, for an adaptive solver, of its time span covered).
 */
final class SamplingProgress implements SamplingJob.Monitor, AutoCloseable {
  private final Progress progress;
  private final ChunkedSampling.Plan plan;
  private final int plannedSteps;
  private final double tMax;
  private final double tMin;
  private final long startNanos = System.nanoTime();
  private long before;
  private double evaluationsBefore;
  private long lastChunkEvaluations;

  /**
   * @param plannedSteps steps each chunk takes, or -1 (adaptive: progress follows t instead)
   */
  SamplingProgress(String task, ChunkedSampling.Plan plan, int plannedSteps, double tMax,
      double tMin) {
    this.progress = new Progress(task, plan.count(), "samples");
    this.plan = plan;
    this.plannedSteps = plannedSteps;
    this.tMax = tMax;
    this.tMin = tMin;
  }

  @Override
  public StepObserver observer(int chunk, CountingPredictor calls) {
    int size = plan.size(chunk);
    int[] steps = {0};
    long evaluationsAtStart = calls.evaluations();
    return (t, x) -> {
      steps[0]++;
      double frac = plannedSteps > 0 ? Math.min(1, steps[0] / (double) plannedSteps)
          : Math.min(1, Math.max(0, (tMax - t) / (tMax - tMin)));
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      // NFE/s counts one network evaluation per sample: comparable across chunk sizes.
      double evals = evaluationsBefore + (double) (calls.evaluations() - evaluationsAtStart) * size;
      progress.update(before + frac * size, String.format(Locale.ROOT,
          "chunk %d/%d, %.0f NFE/s", chunk - plan.from() + 1, plan.to() - plan.from(),
          seconds > 0 ? evals / seconds : 0));
      lastChunkEvaluations = (calls.evaluations() - evaluationsAtStart) * size;
    };
  }

  @Override
  public void chunkDone(int chunk, long first, NDArray samples) {
    before += plan.size(chunk);
    evaluationsBefore += lastChunkEvaluations;
    lastChunkEvaluations = 0;
    progress.update(before);
  }

  @Override
  public void close() {
    progress.close();
  }
}
