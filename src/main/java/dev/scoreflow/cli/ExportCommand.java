package dev.scoreflow.cli;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.checkpoint.WeightsFormat;
import dev.scoreflow.model.ReferenceNames;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scoreflow export}: a run's newest valid EMA weights (or a model's) as a model folder. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Write a run's (or a model's) EMA weights and config as a model folder, as in "
        + "models/: ndlist, or safetensors that PyTorch loads.")
final class ExportCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder to write.")
  Path out;

  @Option(names = "--format", defaultValue = "ndlist", paramLabel = "ndlist|safetensors",
      description = {"Weights file (default: ${DEFAULT-VALUE}). ndlist: ema.ndlist, DJL's encoding "
          + "with scoreflow's names. safetensors: ema.safetensors with the names and layouts of the "
          + "PyTorch reference modules' state_dict() (MLP and UNet-S), so that "
          + "load_state_dict(..., strict=True) takes it; scoreflow reads both."})
  String format;

  @Mixin GlobalOptions global;

  @Override
  public Integer call() throws Exception {
    WeightsFormat f = WeightsFormat.byFlag(format); // checks the flag before the engine starts
    try (NDManager m = NDManager.newBaseManager(global.start());
        LoadedModel model = source.load(m, true)) {
      LoadedModel.export(model.config(), model.weights(), out, f);
      String arch = model.config().architecture;
      String names = f == WeightsFormat.NDLIST ? ""
          : ReferenceNames.of(arch, model.weights().asMap().keySet()).isPresent()
          ? ", PyTorch reference names"
          : ", scoreflow's own names (this " + arch + " has no PyTorch reference)";
      System.out.println("Exported " + model.source() + " (EMA weights) to "
          + out.resolve(f.fileName()) + " (" + f.flag() + names + ")");
    }
    return 0;
  }
}
