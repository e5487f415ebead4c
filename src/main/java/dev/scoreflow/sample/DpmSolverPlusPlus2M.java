package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.tensor.Scalars;

/**
 * DPM-Solver++(2M): the multistep second-order solver of the probability-flow ODE written for the
 * data prediction x0 = (x - b eps)/a, in the half-log-SNR l = log(a/b) = -log lambda (Lu et al.
 * 2022, "DPM-Solver++", Algorithm 2). For a step t -> s with h = l_s - l_t > 0:
 *
 * <pre>
 *   first order:  x_s = (b_s/b_t) x_t - a_s (exp(-h) - 1) x0(t)
 *   second order: x_s = (b_s/b_t) x_t - a_s (exp(-h) - 1) D,
 *                 D = (1 + 1/(2r)) x0(t) - 1/(2r) x0(t_prev),  r = h_prev / h
 * </pre>
 *
 * where t_prev is the grid point before t and h_prev = l_t - l_{t_prev}. The first-order update
 * is exactly DDIM with eta = 0: exp(-h) = a_t b_s / (b_t a_s), so x_s = a_s x0 + b_s eps. The
 * first step has no previous x0 and runs at first order; so does the last one when
 * {@code lowerOrderFinal} is set, which steadies sampling with few steps. One network call per
 * step: NFE = steps.
 *
 * <p>Where the process has no signal at the start (rectified flow: a(1) = 0, so l = -inf) the
 * first step has h = inf, and the formula's limit is exp(-h) = 0: x_s = (b_s/b_t) x_t + a_s x0,
 * DDIM's step again, and r = inf makes the next step's correction vanish. That needs a finite x0
 * estimate at a = 0, which velocity, x0 and edm networks give and eps networks do not
 * ({@link #check(Denoiser)}).
 */
public final class DpmSolverPlusPlus2M extends GridSampler {
  private final int order;
  private final boolean lowerOrderFinal;

  /** The second-order solver; {@code lowerOrderFinal} makes the last step first order. */
  public DpmSolverPlusPlus2M(int steps, TimeGrid.Spacing spacing, boolean lowerOrderFinal) {
    this(steps, spacing, 2, lowerOrderFinal);
  }

  /** {@code order} 1 gives the first-order update at every step (DDIM with eta = 0). */
  public DpmSolverPlusPlus2M(int steps, TimeGrid.Spacing spacing, int order,
      boolean lowerOrderFinal) {
    super(steps, spacing);
    if (order != 1 && order != 2) {
      throw new IllegalArgumentException("dpm++2m: order must be 1 or 2, got " + order);
    }
    this.order = order;
    this.lowerOrderFinal = lowerOrderFinal;
  }

  @Override
  public String describe() {
    return "dpm++2m(steps=" + steps + ", spacing=" + spacing.id()
        + (order == 1 ? ", order=1" : "") + ", lower-order-final=" + lowerOrderFinal + ")";
  }

  @Override
  public void check(NoiseProcess process) {
    gaussian(process, "dpm++2m");
  }

  @Override
  public void check(Denoiser denoiser) {
    super.check(denoiser);
    NoiseProcess p = denoiser.process();
    double tMax = p.tMax();
    if (!(p.a(tMax) > 0)) {
      Prediction.Affine x0 = denoiser.combination(tMax, 0, 0, 1);
      if (!Double.isFinite(x0.x()) || !Double.isFinite(x0.p())) {
        throw new IllegalArgumentException("--sampler dpm++2m cannot start --process " + p.name()
            + " at t = " + tMax + " with --prediction " + denoiser.prediction().id()
            + ": a = 0 there, so its x0 estimate is infinite; use a network trained with"
            + " --prediction velocity or x0, or --sampler ode or ddim");
      }
    }
  }

  @Override
  protected Rule rule(Denoiser d, NDManager owner) {
    // x0 of the previous step: lives on the caller's manager, outside the steps' scopes.
    History history = new History(owner);
    return new Rule() {
      @Override
      public NDArray step(NDArray x, int k, double t, double s) {
        boolean last = k == steps - 1;
        boolean second = order == 2 && history.x0 != null && !(last && lowerOrderFinal);
        return DpmSolverPlusPlus2M.step(d, x, t, s, second, history);
      }

      @Override
      public void close() {
        history.clear();
      }
    };
  }

  /** The x0 of the previous step and the step size h in l = log(a/b) that led to it. */
  private static final class History {
    final NDManager owner;
    NDArray x0;
    double h;

    History(NDManager owner) {
      this.owner = owner;
    }

    /** Keeps {@code next} past the current step's scope and frees the one it replaces. */
    void replace(NDArray next, double hNext) {
      NDScope.unregister(next);
      next.attach(owner);
      clear();
      x0 = next;
      h = hNext;
    }

    void clear() {
      if (x0 != null) {
        x0.close();
        x0 = null;
      }
    }
  }

  private static NDArray step(Denoiser d, NDArray x, double t, double s, boolean second,
      History history) {
    NoiseProcess p = d.process();
    double bt = p.b(t);
    double as = p.a(s);
    double bs = p.b(s);
    // h = log(a_s/b_s) - log(a_t/b_t) = log lambda_t - log lambda_s
    double h = Math.log(p.lambda(t)) - Math.log(p.lambda(s));
    NDArray x0 = d.at(x, t).x0();
    NDArray dx0 = x0;
    if (second) {
      double r = history.h / h;
      double c = 0.5 / r;
      dx0 = Scalars.mul(x0, 1 + c).subi(Scalars.mul(history.x0, c));
    }
    // -a_s (exp(-h) - 1), computed without cancellation for small h
    double dScale = -as * Math.expm1(-h);
    NDArray next = Scalars.mul(x, bs / bt).addi(Scalars.mul(dx0, dScale));
    history.replace(x0, h);
    return next;
  }
}
