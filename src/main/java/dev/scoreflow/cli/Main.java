package dev.scoreflow.cli;

import dev.scoreflow.error.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: a thin picocli layer over the library; each subcommand is one class. */
@Command(name = "scoreflow", mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.VersionProvider.class,
    description = "Train small diffusion models and sample from them (DJL + PyTorch).",
    subcommands = {InfoCommand.class, TrainCommand.class, SampleCommand.class, EvalCommand.class,
        ExportCommand.class, EpsCommand.class, BenchCommand.class, ClassifierCommand.class,
        NpyConcatCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    return withErrorHandling(new CommandLine(new Main()));
  }

  /**
   * Bad flags and user errors as one line and exit code 1 or 2, anything else with its stack
   * trace and 3 (for this CLI and for other entry points, such as the Spark job's).
   */
  public static CommandLine withErrorHandling(CommandLine cl) {
    cl.setParameterExceptionHandler((ex, args) -> {
      // One line that names the flag, instead of the whole usage text.
      PrintWriter err = ex.getCommandLine().getErr();
      err.println(ex.getCommandLine().getCommandName() + ": " + ex.getMessage()
          + " (see " + qualifiedName(ex.getCommandLine()) + " --help)");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (isUserError(ex)) {
        err.println(commandLine.getCommandName() + ": error: " + ex.getMessage());
        if (GlobalOptions.verbose) {
          ex.printStackTrace(err);
        }
        return 1;
      }
      err.println(commandLine.getCommandName() + ": internal error: " + ex);
      ex.printStackTrace(err);
      return 3;
    });
    return cl;
  }

  /** Bad flags, files and checkpoints: the user fixes them, so one line and exit 1. */
  static boolean isUserError(Exception ex) {
    return ex instanceof UserError || ex instanceof IllegalArgumentException
        || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException;
  }

  private static String qualifiedName(CommandLine cl) {
    StringBuilder sb = new StringBuilder(cl.getCommandName());
    for (CommandLine p = cl.getParent(); p != null; p = p.getParent()) {
      sb.insert(0, p.getCommandName() + " ");
    }
    return sb.toString();
  }
}
