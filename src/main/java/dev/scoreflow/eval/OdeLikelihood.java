package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.sample.ode.DormandPrince45;
import dev.scoreflow.sample.ode.OdeSolver;
import dev.scoreflow.sample.ode.OdeSystem;
import dev.scoreflow.sample.ode.StepController;
import dev.scoreflow.schedule.FlowCoordinates;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import java.util.Locale;
import dev.scoreflow.tensor.HostCopy;
import dev.scoreflow.tensor.Scalars;

/**
 * Log-likelihood of data under a denoiser by the probability-flow ODE of its process
 * (docs/theory.md, "Likelihood (seed 003)").
 *
 * <p><b>The equation.</b> Along dx/dt = v(x, t) the density of the moving point obeys
 * d log p_t(x_t)/dt = -div v(x_t, t) (the instantaneous change of variables), so with x_0 at
 * t_min carried to x_1 at t_max
 *
 * <pre>
 *   log p_tmin(x_0) = log p_tmax(x_1) + integral_{tmin}^{tmax} div v(x_t, t) dt.
 * </pre>
 *
 * <b>How it is integrated.</b> As in {@link dev.scoreflow.sample.ode.ProbabilityFlow}, the solver
 * runs in the process's own coordinates ({@link FlowCoordinates}): y = x / c(t), time u, and
 * dy/du = F(x, t) = w_eps n_hat + w_x0 x0_hat. The denoiser makes F affine in the network's raw
 * prediction r, F = k_x x + k_r r (coefficients of t alone), so div_y F = c (k_x D + k_r div_x r)
 * with D the data dimension; the densities of x and y differ by the Jacobian c^D, so
 *
 * <pre>
 *   log p_tmin(x_0) = log p_tmax(x_1) + integral_{u(tmin)}^{u(tmax)} div_y F du
 *                     + D (log c(tmax) - log c(tmin)).
 * </pre>
 *
 * For a Gaussian process in its default coordinates (u = lambda, c = a, F = eps_hat) this is
 * integral a div_x eps dlambda + D (log a(tmax) - log a(tmin)), the t-form term by term
 * (div v = D f + g2/(2b) div_x eps; f = d log a/dt; g2/(2b) dt = a dlambda); for rectified flow
 * (u = t, c = 1, F = v_hat) it is the t-form itself. Dormand-Prince 5(4)
 * ({@link DormandPrince45}) integrates the augmented state [y (D columns), delta (1 column)]
 * with delta(u(tmin)) = 0; its error control covers the delta column as well, so atol is also an
 * absolute tolerance in nats.
 *
 * <p><b>Divergence.</b> {@link Divergence#EXACT}: the diagonal of the Jacobian of r by reverse
 * mode, one vector-Jacobian product per dimension (row i of the Jacobian is the gradient of sum
 * over the batch of r_i); the D products are done in one backward pass over D stacked copies of
 * the batch, copy i differentiating output i, which is valid because the networks and oracles
 * treat batch rows independently. Meant for 2-D data. {@link Divergence#RADEMACHER} and
 * {@link Divergence#GAUSSIAN}: Hutchinson's estimator z^T (d r/dx) z, one vector-Jacobian
 * product per evaluation, with one probe z per data point drawn once and kept for the whole solve
 * (so the ODE stays an ODE); unbiased for the log-likelihood, since the estimator is linear in the
 * Jacobian and the integral is linear in the divergence.
 *
 * <p><b>The prior.</b> p_tmax is the process's prior ({@link NoiseProcess#priorLogDensity}),
 * which is not exactly p_tmax: for VP linear a(1) = 0.0066 (b(1) = 0.99998), so p_1 = N(0.0066
 * mu, ...) for data of mean mu; for VE p_1 is the data convolved with N(0, b(1)^2 I); for
 * rectified flow a(1) = 0 and it is exact. Tests that know the data pass its exact marginal.
 *
 * <p>The result is log p_tmin, the model's density at t_min > 0 where the solve starts, not at
 * t = 0: compare it with log p_tmin of the data (exact for the oracles).
 */
public final class OdeLikelihood {

  /** How div eps is computed: exactly, or by Hutchinson's estimator with one kind of probe. */
  public enum Divergence {
    EXACT,
    RADEMACHER,
    GAUSSIAN;

    public static Divergence parse(String s) {
      for (Divergence d : values()) {
        if (d.name().equalsIgnoreCase(s.trim())) {
          return d;
        }
      }
      throw new IllegalArgumentException(
          "--divergence: expected exact, rademacher or gaussian, got '" + s + "'");
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** log p_tmax(x) for each row of a batch x [N, dataShape...], returned as [N]. */
  @FunctionalInterface
  public interface Prior {
    NDArray logDensity(NDArray x);
  }

  /** Exact divergence replicates the batch once per dimension: keep it to small D. */
  public static final int MAX_EXACT_DIM = 64;

  private final Denoiser denoiser;
  private final NoiseProcess process;
  private final FlowCoordinates coords;
  private final double tMin;
  private final double rtol;
  private final double atol;
  private final Divergence divergence;

  public OdeLikelihood(Denoiser denoiser, double tMin, double rtol, double atol,
      Divergence divergence) {
    NoiseProcess process = denoiser.process();
    if (!(tMin > 0 && tMin < process.tMax())) {
      throw new IllegalArgumentException("--t-min must lie in (0, " + process.tMax() + "), got " + tMin);
    }
    new StepController(rtol, atol); // validates the tolerances now, not at the first solve
    this.denoiser = denoiser;
    this.process = process;
    this.coords = process.flowCoordinates();
    this.tMin = tMin;
    this.rtol = rtol;
    this.atol = atol;
    this.divergence = divergence;
  }

  /** A noise predictor (an oracle or an eps-trained network) on {@code process}. */
  public OdeLikelihood(NoisePredictor eps, NoiseProcess process, double tMin, double rtol,
      double atol, Divergence divergence) {
    this(Denoiser.ofEps(eps, process), tMin, rtol, atol, divergence);
  }

  /** log N(x; 0, std^2 I) per row: the Gaussian processes' stand-in for p_tmax. */
  public static Prior isotropicGaussian(double std) {
    return x -> {
      long n = x.getShape().get(0);
      long dim = x.size() / n;
      double logNorm = -0.5 * dim * Math.log(2 * Math.PI * std * std);
      return x.reshape(n, dim).square().sum(new int[] {1}).muli(-0.5 / (std * std)).addi(logNorm);
    };
  }

  /** Per-point results of one solve, copied to the host. */
  public static final class Result {
    /** log p_tmin(x_0), nats. */
    public final double[] logp;
    /** log p_tmax(x_1) under the prior, nats. */
    public final double[] priorLogp;
    /** The divergence integral plus the constant D (log c(tmax) - log c(tmin)), nats. */
    public final double[] deltaLogp;
    public final long dim;
    public final long evaluations;
    public final int acceptedSteps;
    public final int rejectedSteps;

    Result(double[] logp, double[] priorLogp, double[] deltaLogp, long dim, long evaluations,
        int accepted, int rejected) {
      this.logp = logp;
      this.priorLogp = priorLogp;
      this.deltaLogp = deltaLogp;
      this.dim = dim;
      this.evaluations = evaluations;
      this.acceptedSteps = accepted;
      this.rejectedSteps = rejected;
    }

    public double meanLogp() {
      return mean(logp);
    }

    /** Mean bits per dimension of dequantised 8-bit data, see {@link #bitsPerDim(double, long)}. */
    public double meanBitsPerDim() {
      return bitsPerDim(meanLogp(), dim);
    }
  }

  /**
   * Bits per dimension of 8-bit data from the log density (nats) of its dequantised form in the
   * model's [-1, 1] scale.
   *
   * <p>Convention (score_sde's, carried to [-1, 1]): a pixel k in {0..255} is dequantised to y = k
   * + u with u ~ U[0, 1), so y lies in [0, 256)^D, and scaled to x = y / 128 - 1 in [-1, 1)^D
   * ({@link #dequantise}). The discrete model's probability of k is the mass of the model density
   * over k's cell, P(k) = E_u[p_y(k + u)] >= exp E_u[log p_y(k + u)] (Jensen), and p_y(y) = p_x(x)
   * (1/128)^D, so
   *
   * <pre>
   *   -log2 P(k) / D  <=  -log p_x(x) / (D ln 2) + log2(128)  =  -log p_x(x) / (D ln 2) + 7.
   * </pre>
   *
   * The constant is 8 for data scaled to [0, 1] (cell width 1/256) and 7 for [-1, 1] (cell width
   * 1/128), as score_sde's {@code offset = 7 - inverse_scaler(-1)}. Sanity value: the uniform
   * density 2^-D on [-1, 1)^D scores exactly 8 bits/dim.
   */
  public static double bitsPerDim(double logpNats, long dim) {
    return -logpNats / (dim * Math.log(2)) + 7.0;
  }

  /**
   * Uniformly dequantised 8-bit pixels in the [-1, 1] scale: x = (k + u) / 128 - 1, u ~ U[0, 1)
   * from the engine's seeded generator. {@code pixels} holds values 0..255 (any integer or float
   * type). The training data are k / 127.5 - 1, which differs from this at most by 1/255: the
   * same convention mismatch as score_sde's (train on k/255, evaluate (k + u)/256).
   */
  public static NDArray dequantise(NDArray pixels) {
    NDManager m = pixels.getManager();
    NDArray k = pixels.toType(DataType.FLOAT32, false);
    return k.add(m.randomUniform(0f, 1f, k.getShape())).divi(128f).subi(1f);
  }

  /** {@link #evaluate(NDArray, Prior)} with the process's own prior. */
  public Result evaluate(NDArray x0) {
    return evaluate(x0, process::priorLogDensity);
  }

  /**
   * log p_tmin(x0) for every row of {@code x0} [N, dataShape...]: one solve for the whole batch
   * (rk45 takes one step size for the batch). Hutchinson probes come from the engine's generator.
   * {@code x0} is not modified; no array outlives the call.
   */
  public Result evaluate(NDArray x0, Prior prior) {
    long n = x0.getShape().get(0);
    long dim = x0.size() / n;
    Shape dataShape = x0.getShape().slice(1);
    if (divergence == Divergence.EXACT && dim > MAX_EXACT_DIM) {
      throw new IllegalArgumentException("exact divergence needs one network pass per dimension;"
          + " " + dim + " dimensions: use --divergence rademacher (Hutchinson)");
    }
    double cStart = coords.scale(tMin);
    double cEnd = coords.scale(process.tMax());
    try (NDManager work = x0.getManager().newSubManager()) {
      NDArray probes = null;
      if (divergence == Divergence.RADEMACHER) {
        probes = work.randomInteger(0, 2, x0.getShape(), DataType.INT32)
            .toType(DataType.FLOAT32, false).muli(2f).subi(1f);
      } else if (divergence == Divergence.GAUSSIAN) {
        probes = work.randomNormal(x0.getShape());
      }
      NDArray y0;
      try (NDArray flat = x0.reshape(n, dim)) {
        y0 = flat.div(cStart);
      }
      y0.attach(work);
      NDArray s0 = NDArrays.concat(new NDList(y0, work.zeros(new Shape(n, 1))), 1);
      Augmented system = new Augmented(dataShape, dim, probes);
      DormandPrince45 solver = new DormandPrince45(new StepController(rtol, atol));
      NDArray sEnd = solver.integrate(system,
          s0, new double[] {coords.u(tMin), coords.u(process.tMax())},
          OdeSolver.Observer.NONE);
      NDArray x1 = sEnd.get(new NDIndex(":, :" + dim)).mul(cEnd).reshape(x0.getShape());
      NDArray integral = sEnd.get(new NDIndex(":, " + dim));
      double constant = dim * (Math.log(cEnd) - Math.log(cStart));
      double[] delta = toDoubles(integral.addi(constant));
      double[] priorLogp = toDoubles(prior.logDensity(x1));
      double[] logp = new double[(int) n];
      for (int i = 0; i < n; i++) {
        logp[i] = priorLogp[i] + delta[i];
      }
      return new Result(logp, priorLogp, delta, dim, system.evaluations,
          solver.acceptedSteps(), solver.rejectedSteps());
    }
  }

  /**
   * d/du of [y, delta] = [F, c (k_x D + k_r div_x r)] at x = c y, t = t(u), where
   * F = k_x x + k_r r is the flow's right-hand side in the raw prediction r.
   */
  private final class Augmented implements OdeSystem {
    private final Shape dataShape;
    private final long dim;
    private final NDArray probes;
    long evaluations;

    Augmented(Shape dataShape, long dim, NDArray probes) {
      this.dataShape = dataShape;
      this.dim = dim;
      this.probes = probes;
    }

    @Override
    public NDArray derivative(double u, NDArray state) {
      evaluations++;
      long n = state.getShape().get(0);
      double t = coords.t(u);
      double c = coords.scale(t);
      Prediction.Affine k = denoiser.combination(t, 0, coords.epsWeight(t), coords.x0Weight(t));
      NoisePredictor raw = denoiser.network();
      NDArray out;
      try (NDScope scope = new NDScope()) {
        NDArray x = state.get(new NDIndex(":, :" + dim)).mul(c).reshape(new Shape(n).addAll(dataShape));
        NDArray[] rd = probes == null ? exactDivergence(raw, x, t) : hutchinson(raw, x, t, probes);
        NDArray f = Denoiser.apply(k, x, rd[0]).reshape(n, dim);
        NDArray div = Scalars.addi(Scalars.mul(rd[1], k.p() * c), k.x() * dim * c);
        out = NDArrays.concat(new NDList(f, div.reshape(n, 1)), 1);
        NDScope.unregister(out);
      }
      return out;
    }
  }

  /**
   * eps(x, t) and the exact div_x eps(x, t) per row, {eps [N, dataShape...], div [N]}: D
   * vector-Jacobian products in one backward pass over D stacked copies of the batch.
   */
  public static NDArray[] exactDivergence(NoisePredictor eps, NDArray x, double t) {
    NDManager m = x.getManager();
    long n = x.getShape().get(0);
    int dim = (int) (x.size() / n);
    Shape dataShape = x.getShape().slice(1);
    // Row block i of the stack is the batch again, and mask block i selects output i there.
    NDArray mask = m.eye(dim).repeat(0, n); // [D N, D]
    try (GradientCollector collector = ScoreflowEngine.engine().newGradientCollector()) {
      NDArray stack = x.reshape(n, dim).tile(new long[] {dim, 1}); // [D N, D], a fresh leaf
      stack.setRequiresGradient(true);
      NDArray e = eps.predict(stack.reshape(new Shape((long) dim * n).addAll(dataShape)), t)
          .reshape((long) dim * n, dim);
      collector.backward(e.mul(mask).sum());
      NDArray div;
      try (NDArray grad = stack.getGradient()) {
        div = grad.mul(mask).sum(new int[] {1}).reshape(dim, n).sum(new int[] {0});
      }
      NDArray value = e.get(new NDIndex("0:" + n)).stopGradient().reshape(x.getShape());
      return new NDArray[] {value, div};
    }
  }

  /**
   * eps(x, t) and Hutchinson's estimate z^T (d eps/dx) z of its divergence per row, {eps, est
   * [N]}, for probes z of x's shape: one vector-Jacobian product.
   */
  public static NDArray[] hutchinson(NoisePredictor eps, NDArray x, double t, NDArray probes) {
    long n = x.getShape().get(0);
    try (GradientCollector collector = ScoreflowEngine.engine().newGradientCollector()) {
      NDArray leaf = x.duplicate();
      leaf.setRequiresGradient(true);
      NDArray e = eps.predict(leaf, t);
      collector.backward(e.mul(probes).sum());
      NDArray est;
      try (NDArray grad = leaf.getGradient()) {
        est = grad.mul(probes).reshape(n, -1).sum(new int[] {1});
      }
      return new NDArray[] {e.stopGradient(), est};
    }
  }

  static double[] toDoubles(NDArray a) {
    float[] f = HostCopy.floats(a.toType(DataType.FLOAT32, false));
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
