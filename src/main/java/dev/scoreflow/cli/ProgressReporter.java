package dev.scoreflow.cli;

import dev.scoreflow.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Shows training progress through {@link Progress}: steps done, steps/s and the loss. */
final class ProgressReporter implements TrainingListener, AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(ProgressReporter.class);

  private final String task;
  private Progress progress;

  ProgressReporter(String task) {
    this.task = task;
  }

  @Override
  public void started(long fromStep, long totalSteps) {
    progress = new Progress(task, totalSteps, "steps", fromStep);
  }

  @Override
  public void logged(long step, double loss, double lr, double stepsPerSecond) {
    progress.update(step, String.format(Locale.ROOT, "loss %.4f lr %.2e", loss, lr));
  }

  @Override
  public void checkpointed(long step, Path folder) {
    if (!Progress.onTerminal()) {
      LOG.info("checkpoint {} at step {}", folder, step);
    }
  }

  @Override
  public void close() {
    if (progress != null) {
      progress.close();
      progress = null;
    }
  }
}
