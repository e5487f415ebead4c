package dev.scoreflow.oracle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.model.ConditionalPredictor;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.tensor.DeviceConstant;
import dev.scoreflow.tensor.Scalars;

/**
 * Exact noise prediction for isotropic Gaussian-mixture data under a Gaussian process
 * (docs/theory.md, "Oracles for tests"): if p_0 = sum_k w_k N(mu_k, s_k^2 I) then
 * p_t = sum_k w_k N(a mu_k, (a^2 s_k^2 + b^2) I), whose score is -sum_k r_k (x - a mu_k) / v_k with responsibilities r; the ideal eps is
 * -b times the score. Written in a and b alone, it holds for every Gaussian process, rectified
 * flow included; {@link #x0} and {@link #velocity} are computed directly (not through 1/a), so
 * they hold at a = 0 too.
 */
public final class GaussianMixtureOracle implements NoisePredictor {
  private final NoiseProcess process;
  private final NDArray means; // [K, D]
  private final double[] stds;
  private final double[] weights;

  /** means [K, D] (kept by reference), one standard deviation and one weight per component. */
  public GaussianMixtureOracle(NoiseProcess process, NDArray means, double[] stds, double[] weights) {
    process.gaussian().orElseThrow(() -> new IllegalArgumentException("the Gaussian-mixture"
        + " oracle needs a Gaussian process; " + process.name() + " is not one"));
    this.process = process;
    this.means = means;
    this.stds = stds.clone();
    this.weights = weights.clone();
  }

  /** The gmm8 data set: 8 equal weights, centres 2 (cos k pi/4, sin k pi/4), std 0.15. */
  public static GaussianMixtureOracle gmm8(NoiseProcess process, NDManager manager) {
    double[] s = new double[8];
    double[] w = new double[8];
    java.util.Arrays.fill(s, 0.15);
    java.util.Arrays.fill(w, 1.0 / 8);
    // The gmm8 data feed builds an oracle per batch: the centres are uploaded once per device.
    return new GaussianMixtureOracle(process, GMM8_MEANS.on(manager), s, w);
  }

  private static final DeviceConstant GMM8_MEANS = gmm8Means();

  private static DeviceConstant gmm8Means() {
    float[] mu = new float[16];
    for (int k = 0; k < 8; k++) {
      mu[2 * k] = (float) (2 * Math.cos(k * Math.PI / 4));
      mu[2 * k + 1] = (float) (2 * Math.sin(k * Math.PI / 4));
    }
    return new DeviceConstant(mu, new Shape(8, 2));
  }

  /** A single Gaussian N(mu, s^2 I), a one-component mixture. */
  public static GaussianMixtureOracle single(NoiseProcess process, NDArray mean, double std) {
    return new GaussianMixtureOracle(process, mean.reshape(1, -1), new double[] {std},
        new double[] {1.0});
  }

  /**
   * A copy of the means owned by {@code m}: results of arithmetic land on the first operand's
   * manager, so working on the shared array would pile results up on the oracle's manager.
   */
  private NDArray meansOn(NDManager m) {
    NDArray c = means.toDevice(m.getDevice(), true);
    c.attach(m);
    return c;
  }

  public NDArray means() {
    return means;
  }

  /** Variances v_k = a^2 s_k^2 + b^2 of the components of p_t, shape [K]. */
  private float[] variances(double t) {
    double a = process.a(t);
    double b = process.b(t);
    float[] v = new float[stds.length];
    for (int k = 0; k < v.length; k++) {
      v[k] = (float) (a * a * stds[k] * stds[k] + b * b);
    }
    return v;
  }

  /** Log responsibilities' logits and the offsets x - a mu_k: returns {logits [N,K], diff [N,K,D]}. */
  private NDArray[] parts(NDArray x, double t) {
    NDManager m = x.getManager();
    double a = process.a(t);
    int dim = (int) means.getShape().get(1);
    float[] v = variances(t);
    float[] logNorm = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      logNorm[k] = (float) (Math.log(weights[k]) - 0.5 * dim * Math.log(2 * Math.PI * v[k]));
    }
    // Per-time vectors of K numbers: K fill kernels each, not a host upload per call.
    NDArray var = Scalars.vector(m, v);
    NDArray diff = x.expandDims(1).sub(Scalars.mul(meansOn(x.getManager()), a).expandDims(0));
    NDArray logits = diff.square().sum(new int[] {2}).div(Scalars.mul(var, -2))
        .add(Scalars.vector(m, logNorm));
    return new NDArray[] {logits, diff, var};
  }

  @Override
  public NDArray predict(NDArray x, double t) {
    NDArray[] p = parts(x, t);
    NDArray r = p[0].softmax(1); // [N, K]
    // eps = b * sum_k r_k diff_k / v_k
    NDArray w = r.div(p[2]).expandDims(2);
    // Scalars' constant owns its storage, so autograd (the likelihood code differentiates this
    // oracle) may keep it after it is closed.
    return Scalars.muli(p[1].mul(w).sum(new int[] {1}), (float) process.b(t));
  }

  /**
   * x0_hat = E[x_0 | x_t = x] = sum_k r_k (mu_k + a s_k^2 (x - a mu_k) / v_k): the posterior
   * mean of each component, weighted by its responsibility.
   */
  public NDArray x0(NDArray x, double t) {
    NDArray[] p = parts(x, t);
    NDArray r = p[0].softmax(1); // [N, K]
    NDArray shrink = r.mul(Scalars.vector(x.getManager(), squares(stds))).div(p[2]).expandDims(2);
    NDArray toward = Scalars.muli(p[1].mul(shrink).sum(new int[] {1}), process.a(t));
    return r.matMul(meansOn(x.getManager())).addi(toward);
  }

  /** The exact velocity E[a' x_0 + b' eps | x_t = x] = a' x0_hat + b' eps_hat. */
  public NDArray velocity(NDArray x, double t) {
    return Scalars.muli(x0(x, t), process.aDot(t)).addi(Scalars.muli(predict(x, t),
        process.bDot(t)));
  }

  /** The oracle in the given parameterisation. */
  public NoisePredictor predictor(Prediction prediction) {
    switch (prediction) {
      case EPS:
        return this;
      case X0:
        return this::x0;
      case VELOCITY:
        return this::velocity;
      case EDM: // with sigma_data at its default, as a Denoiser reads it unless told otherwise
        return (x, t) -> Prediction.EDM.fromX0(
            Prediction.At.of(process, t, Prediction.DEFAULT_DATA_SCALE), x, x0(x, t));
      default:
        throw new AssertionError(prediction);
    }
  }

  private static float[] squares(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) (d[i] * d[i]);
    }
    return f;
  }

  /** K, the number of components. */
  public int components() {
    return weights.length;
  }

  /**
   * The exact class-conditional predictor with the components as classes (docs/theory.md,
   * "Class conditioning and guidance"): label k < K gives component k's eps, b (x - a mu_k) / v_k,
   * the exact score of one Gaussian; the null label K (or null labels) gives the whole mixture's.
   * Rows of one batch may ask for different classes: every row's K component predictions and
   * the mixture's are formed, and a one-hot of its label picks one (all device ops).
   */
  public ConditionalPredictor conditional() {
    return new ConditionalPredictor() {
      @Override
      public NDArray predict(NDArray x, double t, NDArray labels) {
        if (labels == null) {
          return GaussianMixtureOracle.this.predict(x, t);
        }
        int k = weights.length;
        NDArray[] p = parts(x, t);
        NDArray each = p[1].div(p[2].reshape(1, k, 1)); // diff_k / v_k, [N, K, D]
        NDArray mixture = each.mul(p[0].softmax(1).expandDims(2)).sum(new int[] {1}, true);
        NDArray all = NDArrays.concat(new NDList(each, mixture), 1); // [N, K + 1, D]
        NDArray pick = labels.oneHot(k + 1).expandDims(2); // [N, K + 1, 1]
        return Scalars.muli(all.mul(pick).sum(new int[] {1}), (float) process.b(t));
      }

      @Override
      public int numClasses() {
        return weights.length;
      }
    };
  }

  /** n exact draws from component k alone, N(mu_k, s_k^2 I), on {@code manager}. */
  public NDArray sampleComponent(NDManager manager, int n, int k) {
    NDArray centre = meansOn(manager).get(k).expandDims(0);
    return centre.add(Scalars.muli(manager.randomNormal(new Shape(n, centre.getShape().get(1))),
        stds[k]));
  }

  /** log p_t(x) for each row of x, shape [N] (exact, in nats). */
  public NDArray logDensity(NDArray x, double t) {
    NDArray logits = parts(x, t)[0];
    NDArray max = logits.max(new int[] {1}, true);
    return logits.sub(max).exp().sum(new int[] {1}).log().add(max.squeeze(1));
  }

  /** Index of the nearest centre for each row of x, as int64 [N]. */
  public NDArray nearestComponent(NDArray x) {
    NDArray d = x.expandDims(1).sub(meansOn(x.getManager()).expandDims(0))
        .square().sum(new int[] {2});
    return d.argMin(1);
  }

  /** n exact draws from p_0 on {@code manager} (engine's seeded generator). */
  public NDArray sampleData(NDManager manager, int n) {
    return sampleLabelledData(manager, n)[0];
  }

  /**
   * n exact draws from p_0 and the component each was drawn from: {points [n, D], components
   * int64 [n]}; the points are those {@link #sampleData} gives for the same generator state.
   */
  public NDArray[] sampleLabelledData(NDManager manager, int n) {
    int k = weights.length;
    double[] cum = new double[k];
    double acc = 0;
    for (int i = 0; i < k; i++) {
      acc += weights[i];
      cum[i] = acc;
    }
    NDArray u = manager.randomUniform(0f, 1f, new Shape(n, 1));
    NDArray idx = u.gte(Scalars.vector(manager, toFloat(cum)).expandDims(0)).sum(new int[] {1})
        .toType(DataType.INT64, false);
    idx = Scalars.minimum(idx, k - 1);
    NDArray centres = meansOn(manager).get(idx);
    NDArray std = Scalars.vector(manager, toFloat(stds)).get(idx).expandDims(1);
    return new NDArray[] {centres.add(manager.randomNormal(centres.getShape()).mul(std)), idx};
  }

  /** n exact draws from p_t: a x_0 + b eps. */
  public NDArray sampleMarginal(NDManager manager, int n, double t) {
    NDArray x0 = sampleData(manager, n);
    return Scalars.mul(x0, process.a(t)).addi(Scalars.muli(manager.randomNormal(x0.getShape()),
        process.b(t)));
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
