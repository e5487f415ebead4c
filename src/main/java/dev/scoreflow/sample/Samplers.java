package dev.scoreflow.sample;

import dev.scoreflow.sample.ode.OdeSolver;
import java.util.List;

/** Builds a sampler from command-line style settings. */
public final class Samplers {
  public static final List<String> NAMES = List.of("ddpm", "ddim", "ode", "sde", "dpm++2m");

  private Samplers() {}

  /** Settings shared by the samplers; each sampler reads the ones it needs. */
  public static final class Settings {
    public int steps = 50;
    public double eta = 0.0;
    public double gamma = 1.0;
    public String solver = "heun";
    public double rtol = 1e-5;
    public double atol = 1e-5;
    public TimeGrid.Spacing spacing = TimeGrid.Spacing.UNIFORM;
    public DdpmSampler.Variance variance = DdpmSampler.Variance.LARGE;
    /** dpm++2m: take the last step at first order. */
    public boolean lowerOrderFinal = true;
  }

  public static Sampler create(String name, Settings s) {
    switch (name) {
      case "ddpm":
        return new DdpmSampler(s.steps, s.variance, s.spacing);
      case "ddim":
        return new DdimSampler(s.steps, s.eta, s.spacing);
      case "ode":
        return new OdeSampler(OdeSolver.byName(s.solver, s.rtol, s.atol), s.steps, s.spacing);
      case "sde":
        return new SdeSampler(s.steps, s.gamma, s.spacing);
      case "dpm++2m":
        return new DpmSolverPlusPlus2M(s.steps, s.spacing, s.lowerOrderFinal);
      default:
        throw new IllegalArgumentException(
            "--sampler: unknown sampler '" + name + "', expected one of " + NAMES);
    }
  }
}
