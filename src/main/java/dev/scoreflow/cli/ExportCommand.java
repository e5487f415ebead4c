package dev.scoreflow.cli;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.checkpoint.LoadedModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scoreflow export}: a run's newest valid EMA weights as a small model folder. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a run's EMA weights and config as a model folder (as shipped in models/).")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run folder.")
  Path run;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder to write.")
  Path out;

  @Mixin GlobalOptions global;

  @Override
  public Integer call() throws Exception {
    try (NDManager m = NDManager.newBaseManager(global.start());
        LoadedModel model = LoadedModel.fromRun(run, m, true)) {
      LoadedModel.export(model.config(), model.weights(), out);
      System.out.println("Exported " + model.source() + " (EMA weights) to " + out);
    }
    return 0;
  }
}
