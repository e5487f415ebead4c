package dev.scoreflow.cli;

import dev.scoreflow.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Shows training progress: a progress bar (steps/s, loss) on a terminal, plain log lines every
 * few seconds otherwise (CI logs, pipes).
 */
final class ProgressReporter implements TrainingListener, AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(ProgressReporter.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final String task;
  private final boolean tty = System.console() != null;
  private ProgressBar bar;
  private long total;
  private long lastLog;

  ProgressReporter(String task) {
    this.task = task;
  }

  @Override
  public void started(long fromStep, long totalSteps) {
    total = totalSteps;
    lastLog = System.nanoTime();
    if (tty) {
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSteps)
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
          .showSpeed().setUnit(" steps", 1).startsFrom(fromStep, java.time.Duration.ZERO).build();
    }
  }

  @Override
  public void logged(long step, double loss, double lr, double stepsPerSecond) {
    String msg = String.format(Locale.ROOT, "loss %.4f lr %.2e", loss, lr);
    if (bar != null) {
      bar.stepTo(step);
      bar.setExtraMessage(msg);
    } else if (System.nanoTime() - lastLog > LOG_INTERVAL_NANOS || step == total) {
      lastLog = System.nanoTime();
      LOG.info(String.format(Locale.ROOT, "step %d/%d  %s  %.1f steps/s", step, total, msg,
          stepsPerSecond));
    }
  }

  @Override
  public void checkpointed(long step, Path folder) {
    if (bar == null) {
      LOG.info("checkpoint {} at step {}", folder, step);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
