package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.DeviceConstant;
import dev.scoreflow.tensor.Scalars;

/**
 * DDPM's discrete schedule (beta_i linear from 1e-4 to 0.02, N = 1000) seen as a process in
 * continuous time: step i sits at t_i = i / N with a_i^2 = prod_{j<=i} (1 - beta_j) (docs/theory.md, "One notation":
 * "alpha-bar" of the DDPM paper is a^2). Between grid points log a is linear, so f is piecewise
 * constant and every sampler can run on it; on the grid it is exactly the paper's schedule.
 */
public final class DiscreteVp extends LogSignalVp {
  private final int n;
  private final double[] beta; // beta[i], i = 1..n (beta[0] unused)
  private final double[] logA; // log a_i, i = 0..n
  private final DeviceConstant logATable;
  private final DeviceConstant slopeTable; // (log a_{i+1} - log a_i) N: f on [i/N, (i+1)/N)

  public DiscreteVp() {
    this(1000, 1e-4, 0.02);
  }

  public DiscreteVp(int n, double beta1, double betaN) {
    if (n < 2 || !(beta1 > 0 && betaN >= beta1 && betaN < 1)) {
      throw new IllegalArgumentException("ddpm schedule needs N >= 2 and 0 < beta_1 <= beta_N < 1");
    }
    this.n = n;
    this.beta = new double[n + 1];
    this.logA = new double[n + 1];
    for (int i = 1; i <= n; i++) {
      beta[i] = beta1 + (betaN - beta1) * (i - 1) / (n - 1);
      logA[i] = logA[i - 1] + 0.5 * Math.log1p(-beta[i]);
    }
    this.logATable = DeviceConstant.ofDoubles(logA);
    double[] slope = new double[n];
    for (int i = 0; i < n; i++) {
      slope[i] = (logA[i + 1] - logA[i]) * n;
    }
    this.slopeTable = DeviceConstant.ofDoubles(slope);
  }

  @Override
  public String name() {
    return "ddpm";
  }

  /** Number of discrete steps N. */
  public int steps() {
    return n;
  }

  /** beta_i for i = 1..N. */
  public double beta(int i) {
    return beta[i];
  }

  @Override
  double logSignal(double t) {
    double u = Math.max(0.0, Math.min(1.0, t)) * n;
    int i = Math.min((int) Math.floor(u), n - 1);
    double w = u - i;
    return logA[i] + w * (logA[i + 1] - logA[i]);
  }

  @Override
  public double f(double t) {
    double u = Math.max(0.0, Math.min(1.0, t)) * n;
    int i = Math.min((int) Math.floor(u), n - 1);
    return (logA[i + 1] - logA[i]) * n;
  }

  @Override
  public double tOfLambda(double lambda) {
    double target = -0.5 * Math.log1p(lambda * lambda); // log a, decreasing in t
    if (target >= 0) {
      return 0.0;
    }
    if (target <= logA[n]) {
      return 1.0;
    }
    int lo = 0;
    int hi = n;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (logA[mid] > target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double w = (target - logA[lo]) / (logA[hi] - logA[lo]);
    return (lo + w) / n;
  }

  @Override
  NDArray logSignal(NDArray t) {
    // Linear interpolation in the table of log a_i, done on t's device; the table is uploaded
    // once per device, not per call.
    NDArray table = logATable.on(t.getManager());
    // Not clip(0, 1): DJL builds its bounds from Java numbers (two host uploads).
    NDArray u = Scalars.mul(Scalars.minimum(Scalars.maximum(t, 0), 1), n);
    NDArray i = Scalars.minimum(u.floor(), n - 1);
    NDArray w = u.sub(i);
    NDArray idx = i.toType(ai.djl.ndarray.types.DataType.INT64, false);
    NDArray lo = table.get(idx);
    NDArray hi = table.get(Scalars.add(idx, 1));
    return lo.add(hi.sub(lo).mul(w));
  }

  @Override
  NDArray logSignalRate(NDArray t) {
    NDArray u = Scalars.mul(Scalars.minimum(Scalars.maximum(t, 0), 1), n);
    NDArray idx = Scalars.minimum(u.floor(), n - 1).toType(ai.djl.ndarray.types.DataType.INT64, false);
    return slopeTable.on(t.getManager()).get(idx);
  }
}
