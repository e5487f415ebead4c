package dev.scoreflow.checkpoint;

import dev.scoreflow.error.UserError;

/** A checkpoint that cannot be used; the message names the file and what is wrong. */
public final class CheckpointException extends RuntimeException implements UserError {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
