package dev.scoreflow.train;

import dev.scoreflow.error.UserError;

/**
 * The loss stopped being finite. The settings are the user's to change (a lower --lr, a
 * --grad-clip), so the command line reports it in one line and exits 1; the last checkpoint
 * written before it is left as it was.
 */
public final class TrainingDivergedException extends IllegalStateException implements UserError {
  public TrainingDivergedException(String message) {
    super(message);
  }
}
