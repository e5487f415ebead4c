package dev.scoreflow.cli;

import dev.scoreflow.checkpoint.RecommendedSampling;
import dev.scoreflow.sample.DdpmSampler;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.sample.Samplers;
import dev.scoreflow.sample.TimeGrid;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The sampler flags that {@code sample}, {@code eval} and the Spark job share (a picocli
 * mixin), and their one parser: {@link #parse} reads the same flags from a list, as Spark's
 * executors get them.
 */
public final class SamplerOptions {
  /** The sampler when neither the flag nor a model folder's sampling.json names one. */
  public static final String DEFAULT_SAMPLER = "ddim";
  static final String DEFAULT_SOLVER = "heun";
  static final String DEFAULT_SPACING = "uniform";

  @Option(names = "--sampler", paramLabel = "ddpm|ddim|ode|sde|dpm++2m",
      description = "Sampler (default: the model folder's recommendation, else " + DEFAULT_SAMPLER
          + ").")
  String sampler;

  @Option(names = "--steps", description = "Steps of the time grid (default: the model folder's"
      + " recommendation for its sampler, else 50; 1000 for ddpm).")
  Integer steps;

  @Option(names = "--eta", defaultValue = "0", description = "ddim: noise scale eta in [0, 1] (default: ${DEFAULT-VALUE}).")
  double eta;

  @Option(names = "--gamma", defaultValue = "1", description = "sde: sigma = gamma * g, gamma in [0, 1] (default: ${DEFAULT-VALUE}).")
  double gamma;

  @Option(names = "--solver", paramLabel = "euler|heun|rk4|rk45",
      description = "ode: solver (default: the model folder's recommendation, else "
          + DEFAULT_SOLVER + ").")
  String solver;

  @Option(names = "--rtol", defaultValue = "1e-5", description = "ode rk45: relative tolerance (default: ${DEFAULT-VALUE}).")
  double rtol;

  @Option(names = "--atol", defaultValue = "1e-5", description = "ode rk45: absolute tolerance (default: ${DEFAULT-VALUE}).")
  double atol;

  @Option(names = "--spacing", paramLabel = "uniform|quadratic|logsnr|karras",
      description = "Time grid of every sampler (rk45 uses only its ends); karras: rho = 7 in the"
          + " process's noise scale (default: the model folder's recommendation for its sampler,"
          + " else " + DEFAULT_SPACING + ").")
  String spacing;

  @Option(names = "--variance", defaultValue = "large", paramLabel = "large|posterior",
      description = "ddpm: reverse variance beta_i or the posterior one (default: ${DEFAULT-VALUE}).")
  String variance;

  @Option(names = "--lower-order-final", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "dpm++2m: take the last step at first order (default: ${DEFAULT-VALUE}).")
  boolean lowerOrderFinal;

  /** The sampler's steps when none are given. */
  public static int defaultSteps(String sampler) {
    return sampler.equals("ddpm") ? 1000 : 50;
  }

  /** The sampler's name: the flag, a recommendation, or {@link #DEFAULT_SAMPLER}. */
  public String samplerName() {
    return sampler != null ? sampler : DEFAULT_SAMPLER;
  }

  private String solverName() {
    return solver != null ? solver : DEFAULT_SOLVER;
  }

  /**
   * Takes a model folder's recommended sampling (sampling.json) for the flags not given: its
   * sampler, and its steps, solver and spacing only when that sampler is the one used. Nulls
   * change nothing.
   */
  public void recommend(RecommendedSampling rec) {
    RecommendedSampling given = new RecommendedSampling();
    given.sampler = sampler;
    given.steps = steps;
    given.solver = solver;
    given.spacing = spacing;
    RecommendedSampling r = given.filledFrom(rec);
    sampler = r.sampler;
    steps = r.steps;
    solver = r.solver;
    spacing = r.spacing;
  }

  Samplers.Settings settings() {
    Samplers.Settings s = new Samplers.Settings();
    s.steps = steps != null ? steps : defaultSteps(samplerName());
    s.lowerOrderFinal = lowerOrderFinal;
    s.eta = eta;
    s.gamma = gamma;
    s.solver = solverName();
    s.rtol = rtol;
    s.atol = atol;
    s.spacing = TimeGrid.Spacing.parse(spacing != null ? spacing : DEFAULT_SPACING);
    switch (variance) {
      case "large":
        s.variance = DdpmSampler.Variance.LARGE;
        break;
      case "posterior":
        s.variance = DdpmSampler.Variance.POSTERIOR;
        break;
      default:
        throw new IllegalArgumentException("--variance: expected large or posterior, got '" + variance + "'");
    }
    return s;
  }

  /**
   * The flags in {@code args} (only sampler flags; unset ones take their defaults), checked as
   * on the command line.
   */
  public static SamplerOptions parse(List<String> args) {
    SamplerOptions o = new SamplerOptions();
    try {
      new CommandLine(o).parseArgs(args.toArray(new String[0]));
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    o.settings(); // checks --variance and --spacing
    return o;
  }

  /** Steps the sampler will take (each seen by a step observer), or -1 when adaptive (rk45). */
  public int plannedSteps() {
    return samplerName().equals("ode") && solverName().equals("rk45") ? -1 : settings().steps;
  }

  /** Whether the sampler injects noise along the way (its paths are not smooth curves). */
  boolean stochastic() {
    String name = samplerName();
    return name.equals("ddpm") || (name.equals("ddim") && eta > 0)
        || (name.equals("sde") && gamma > 0);
  }

  /** The sampler the flags describe; checks them (call before the engine starts). */
  public Sampler create() {
    return Samplers.create(samplerName(), settings());
  }
}
