package dev.scoreflow.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.io.Npy;
import dev.scoreflow.io.NpyReader;
import dev.scoreflow.model.EpsEvaluation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scoreflow eps}: the network's eps_theta(x, t) on inputs from .npy files, for comparing
 * with another implementation (scripts/torch-crosscheck.sh).
 */
@Command(name = "eps", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate the network's eps(x, t) with the EMA weights on rows read from .npy "
        + "files; writes eps as .npy.")
final class EpsCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(names = "--x", required = true, paramLabel = "NPY",
      description = "Inputs x_t, float32 or float64: N x 2 (MLP) or N x 1 x 28 x 28 (UNet-S).")
  Path x;

  @Option(names = "--t", required = true, paramLabel = "NPY",
      description = "Times, shape N, in [0, 1] (the network embeds t * 1000).")
  Path t;

  @Option(names = "--out", required = true, paramLabel = "NPY", description = "Where eps goes (float32, x's shape).")
  Path out;

  @Mixin GlobalOptions global;

  @Override
  public Integer call() throws Exception {
    try (NDManager m = NDManager.newBaseManager(global.start());
        LoadedModel model = source.load(m, true);
        NDManager scope = m.newSubManager()) {
      NDArray xs = NpyReader.read(x, scope);
      NDArray ts = NpyReader.read(t, scope);
      NDArray eps = EpsEvaluation.evaluate(model.network(), model.weights(), xs, ts);
      Npy.write(out, eps);
      System.out.println("eps of " + xs.getShape().get(0) + " inputs from " + model.source()
          + " (EMA weights) written to " + out);
    }
    return 0;
  }
}
