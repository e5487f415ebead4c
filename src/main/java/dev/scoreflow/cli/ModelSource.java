package dev.scoreflow.cli;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.checkpoint.LoadedModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a trained network comes from: exactly one of --run and --model (an ArgGroup). */
final class ModelSource {
  @Option(names = "--run", paramLabel = "DIR", description = "Run folder: uses its newest valid checkpoint.")
  Path run;

  @Option(names = "--model", paramLabel = "DIR", description = "Model folder, e.g. models/mnist-unet-s.")
  Path model;

  /** The network; a run gives its EMA weights unless {@code ema} is false. */
  LoadedModel load(NDManager manager, boolean ema) {
    return run != null ? LoadedModel.fromRun(run, manager, ema) : LoadedModel.fromModelDir(model, manager);
  }

  /** The folder given, for messages. */
  Path path() {
    return run != null ? run : model;
  }
}
