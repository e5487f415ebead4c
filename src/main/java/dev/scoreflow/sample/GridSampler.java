package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.schedule.GaussianProcess;
import dev.scoreflow.schedule.NoiseProcess;

/**
 * A sampler that steps across a fixed time grid t_0 = tMax > ... > t_n = tMin: the grid and the
 * loop (one scoped step at a time, the observer after each) are here, once; a sampler is only
 * its update rule x_t -> x_s ({@link #rule}), as in k-diffusion's samplers.
 */
public abstract class GridSampler implements Sampler {
  protected final int steps;
  protected final TimeGrid.Spacing spacing;

  protected GridSampler(int steps, TimeGrid.Spacing spacing) {
    if (steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
    }
    this.steps = steps;
    this.spacing = spacing;
  }

  /** The process's check ({@link #check(NoiseProcess)}) and the grid's, before any work. */
  @Override
  public void check(Denoiser denoiser) {
    check(denoiser.process());
    TimeGrid.check(spacing, denoiser.process());
  }

  /** The update of one run: step k from time t to time s < t; may keep state between steps. */
  protected interface Rule extends AutoCloseable {
    NDArray step(NDArray x, int k, double t, double s);

    @Override
    default void close() {}
  }

  /**
   * The rule for one run of {@code steps} steps with {@code denoiser}; arrays it keeps between
   * steps belong to {@code owner}.
   */
  protected abstract Rule rule(Denoiser denoiser, NDManager owner);

  @Override
  public final NDArray sample(Denoiser denoiser, NDArray xStart, double tMin,
      StepObserver observer) {
    check(denoiser);
    double[] grid = TimeGrid.of(spacing, denoiser.process(), tMin, steps);
    try (Rule rule = rule(denoiser, xStart.getManager())) {
      return StepLoop.overGrid(xStart, grid, rule::step, observer);
    }
  }

  /** {@code steps=50, spacing=uniform}, for {@link #describe()}. */
  protected String gridText() {
    return "steps=" + steps + ", spacing=" + spacing.id();
  }

  /**
   * The Gaussian view of a process, or one line naming the sampler and the process: for samplers
   * built on Gaussian posteriors or the reverse SDE.
   */
  protected static GaussianProcess gaussian(NoiseProcess p, String sampler) {
    return p.gaussian().orElseThrow(() -> new IllegalArgumentException("--sampler " + sampler
        + " works only with Gaussian noise processes, and --process " + p.name()
        + " is not one: use --sampler ode (any --solver)"));
  }

  /**
   * As {@link #gaussian}, and a(tMax) > 0 as well: for samplers that divide by a or take
   * log(b/a) at the start, which rectified flow (a(1) = 0) does not allow.
   */
  protected static GaussianProcess gaussianWithSignal(NoiseProcess p, String sampler) {
    GaussianProcess g = gaussian(p, sampler);
    if (!(g.a(g.tMax()) > 0)) {
      throw new IllegalArgumentException("--sampler " + sampler + " cannot start --process "
          + p.name() + " at t = " + g.tMax() + ", where a = 0 and b/a is infinite: use --sampler"
          + " ode (its standard one is --solver euler) or ddim");
    }
    return g;
  }
}
