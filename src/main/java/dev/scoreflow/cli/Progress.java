package dev.scoreflow.cli;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Progress of one long task, on stderr only (stdout stays for results a script parses): a
 * redrawn bar on a terminal, otherwise a log line every {@value #DEFAULT_SECONDS} s (pipes, CI)
 * and one at the end. The log interval can be changed with the system property
 * {@code scoreflow.progress.seconds} (tests use a short one).
 */
final class Progress implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Progress.class);
  static final double DEFAULT_SECONDS = 10;

  private final String task;
  private final String unit;
  private final long total;
  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private final long startDone;
  private final ProgressBar bar;
  private long lastLog = System.nanoTime();
  private double done;
  private String extra = "";
  private boolean finished;

  /** A progress display for {@code total} units of work, {@code fromDone} of them already done. */
  Progress(String task, long total, String unit, long fromDone) {
    this.task = task;
    this.unit = unit;
    this.total = total;
    this.startDone = fromDone;
    this.done = fromDone;
    double seconds = Double.parseDouble(System.getProperty("scoreflow.progress.seconds",
        Double.toString(DEFAULT_SECONDS)));
    this.intervalNanos = (long) (seconds * 1e9);
    this.bar = onTerminal()
        ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
            .showSpeed().setUnit(" " + unit, 1).startsFrom(fromDone, Duration.ZERO).build()
        : null;
  }

  Progress(String task, long total, String unit) {
    this(task, total, unit, 0);
  }

  /** A terminal on both ends: a bar can redraw there. */
  static boolean onTerminal() {
    return System.console() != null;
  }

  /** Work done so far (may be fractional within a unit) and a short status text. */
  void update(double doneNow, String extraNow) {
    done = doneNow;
    extra = extraNow == null ? "" : extraNow;
    if (bar != null) {
      bar.stepTo((long) Math.floor(doneNow));
      bar.setExtraMessage(extra);
    } else if (System.nanoTime() - lastLog >= intervalNanos) {
      log();
    }
  }

  void update(double doneNow) {
    update(doneNow, extra);
  }

  private void log() {
    lastLog = System.nanoTime();
    double elapsed = (lastLog - startNanos) / 1e9;
    double rate = elapsed > 0 ? (done - startDone) / elapsed : 0;
    String left = rate > 0 && done < total
        ? String.format(Locale.ROOT, ", %s left", duration((total - done) / rate)) : "";
    LOG.info(String.format(Locale.ROOT, "%s: %s/%d %s (%.0f%%)%s%s%s", task, count(done), total,
        unit, 100 * done / Math.max(1, total), extra.isEmpty() ? "" : ", " + extra,
        String.format(Locale.ROOT, ", %s", rate(rate)), left));
  }

  private String rate(double perSecond) {
    return perSecond >= 10 ? String.format(Locale.ROOT, "%.0f %s/s", perSecond, unit)
        : String.format(Locale.ROOT, "%.2f %s/s", perSecond, unit);
  }

  private static String count(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + " s";
  }

  /** Ends the display; off a terminal the last line is logged once. */
  @Override
  public void close() {
    if (finished) {
      return;
    }
    finished = true;
    if (bar != null) {
      bar.stepTo((long) Math.floor(done));
      bar.close();
    } else if (done > startDone) {
      log();
    }
  }
}
