package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

/** Learning rate as a pure function of the step: linear warm-up, then constant or cosine decay. */
public final class LearningRate {
  private final double peak;
  private final int warmup;
  private final long total;
  private final boolean cosine;

  public LearningRate(double peak, int warmup, long total, boolean cosine) {
    this.peak = peak;
    this.warmup = warmup;
    this.total = total;
    this.cosine = cosine;
  }

  public static LearningRate of(TrainConfig c) {
    return new LearningRate(c.lr, c.warmup, c.steps, c.lrSchedule.equals("cosine"));
  }

  /** Rate for step {@code step} (0-based). */
  public double at(long step) {
    if (step < warmup) {
      return peak * (step + 1) / warmup;
    }
    if (!cosine || total <= warmup) {
      return peak;
    }
    double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
    return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
