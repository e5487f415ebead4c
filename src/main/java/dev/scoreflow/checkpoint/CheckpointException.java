package dev.scoreflow.checkpoint;

/** A checkpoint that cannot be used; the message names the file and what is wrong. */
public final class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
