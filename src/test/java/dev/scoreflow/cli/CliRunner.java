package dev.scoreflow.cli;

/** The in-process command line for tests of other packages (see {@link CliTest#run}). */
public final class CliRunner {
  private CliRunner() {}

  /** Runs {@code scoreflow ARGS}; returns {exit code, stdout, stderr}. */
  public static Object[] run(String... args) {
    return CliTest.run(args);
  }
}
