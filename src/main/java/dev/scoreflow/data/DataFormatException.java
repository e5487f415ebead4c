package dev.scoreflow.data;

import dev.scoreflow.error.UserError;

/**
 * A data file that cannot be used as it is: wrong format, truncated, inconsistent with its
 * partner file. The message names the file, what is wrong and what was expected. It is an
 * IllegalArgumentException because, like a bad flag, it is fixed by the user, not by a retry.
 */
public class DataFormatException extends IllegalArgumentException implements UserError {
  public DataFormatException(String message) {
    super(message);
  }

  public DataFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
