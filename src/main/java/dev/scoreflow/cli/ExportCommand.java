package dev.scoreflow.cli;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.checkpoint.RecommendedSampling;
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

  @Option(names = "--sampler", paramLabel = "ddpm|ddim|ode|sde|dpm++2m",
      description = "Recommended sampler, written to sampling.json: what `sample` and `eval` use"
          + " without --sampler (default: the source model's recommendation, else ddim).")
  String sampler;

  @Option(names = "--steps", description = "Recommended steps (default: the source model's"
      + " recommendation, else 50; 1000 for ddpm).")
  Integer steps;

  @Option(names = "--solver", paramLabel = "euler|heun|rk4|rk45", description = "Recommended"
      + " solver of --sampler ode (default: the source model's recommendation, else heun).")
  String solver;

  @Option(names = "--spacing", paramLabel = "uniform|quadratic|logsnr|karras", description =
      "Recommended time grid (default: the source model's recommendation, else uniform).")
  String spacing;

  /** The recommended guidance and its interval, written to sampling.json. */
  @Mixin GuidanceOptions guidance;

  @Mixin GlobalOptions global;

  @Override
  public Integer call() throws Exception {
    WeightsFormat f = WeightsFormat.byFlag(format); // checks the flag before the engine starts
    RecommendedSampling given = new RecommendedSampling(sampler, steps, guidance.scaleFlag(),
        guidance.intervalFlag()).withGrid(solver, spacing); // checks them
    try (NDManager m = NDManager.newBaseManager(global.start());
        LoadedModel model = source.load(m, true)) {
      if (guidance.given() && model.numClasses() == 0) {
        throw new IllegalArgumentException(guidance.givenFlag() + ": " + source.path() + " is not"
            + " class-conditional (train with --class-conditional)");
      }
      RecommendedSampling rec = recommendation(given, model.recommended(), model.numClasses() > 0);
      LoadedModel.export(model.config(), model.weights(), out, f, rec);
      String arch = model.config().architecture;
      String names = f == WeightsFormat.NDLIST ? ""
          : ReferenceNames.of(arch, model.weights().asMap().keySet()).isPresent()
          ? ", PyTorch reference names"
          : ", scoreflow's own names (this " + arch + " has no PyTorch reference)";
      System.out.println("Exported " + model.source() + " (EMA weights) to "
          + out.resolve(f.fileName()) + " (" + f.flag() + names + "); recommended sampling: "
          + rec);
    }
    return 0;
  }

  /** The flags given, else the source's recommendation, else the defaults of `sample`. */
  static RecommendedSampling recommendation(RecommendedSampling given, RecommendedSampling source,
      boolean conditional) {
    RecommendedSampling r = given.filledFrom(source);
    String name = r.sampler != null ? r.sampler : SamplerOptions.DEFAULT_SAMPLER;
    Integer n = r.steps != null ? r.steps : SamplerOptions.defaultSteps(name);
    String solver = name.equals("ode") ? r.solver : null;
    Double s = !conditional ? null : r.guidance != null ? r.guidance : 1.0;
    double[] interval = conditional ? r.guidanceInterval : null;
    return new RecommendedSampling(name, n, s, interval).withGrid(solver, r.spacing);
  }
}
