package dev.scoreflow.train;

import java.nio.file.Path;

/** Progress callbacks of a {@link Trainer}; the command line turns them into a progress bar. */
public interface TrainingListener {
  TrainingListener NONE = new TrainingListener() {};

  default void started(long fromStep, long totalSteps) {}

  /** After every {@code logEvery} steps: mean loss over the window, learning rate, steps/s. */
  default void logged(long step, double loss, double lr, double stepsPerSecond) {}

  default void checkpointed(long step, Path folder) {}

  default void finished(long step) {}
}
