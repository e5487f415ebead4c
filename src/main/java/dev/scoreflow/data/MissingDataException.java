package dev.scoreflow.data;

import dev.scoreflow.error.UserError;

/**
 * The files of a data set are not where they were looked for. A separate type so that callers
 * (and tests that use real data when it is present) can tell "not downloaded" from "broken".
 */
public final class MissingDataException extends IllegalArgumentException implements UserError {
  public MissingDataException(String message) {
    super(message);
  }
}
